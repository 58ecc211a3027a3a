// Private to src/spec: decode(JsonNode, T&) for every config type, plus opt()/req() helpers
// that read one object member. Struct decoders are defined in parse*.cpp.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "berth/spec/config.hpp"
#include "berth/util/json_reader.hpp"

namespace berth::spec::detail {

inline void decode(const JsonNode& n, std::string& out) { out = n.as_string(); }
inline void decode(const JsonNode& n, bool& out) { out = n.as_bool(); }

template <std::integral T>
    requires(!std::same_as<T, bool>)
void decode(const JsonNode& n, T& out)
{
    out = n.as_int<T>();
}

// parse.cpp
void decode(const JsonNode&, Root&);
void decode(const JsonNode&, IdMapping&);
void decode(const JsonNode&, Mount&);
void decode(const JsonNode&, User&);
void decode(const JsonNode&, Box&);
void decode(const JsonNode&, Capabilities&);
void decode(const JsonNode&, Rlimit&);
void decode(const JsonNode&, Scheduler&);
void decode(const JsonNode&, IoPriority&);
void decode(const JsonNode&, ExecCpuAffinity&);
void decode(const JsonNode&, Process&);
void decode(const JsonNode&, Hook&);
void decode(const JsonNode&, Hooks&);
// parse_linux.cpp
void decode(const JsonNode&, Namespace&);
void decode(const JsonNode&, Device&);
void decode(const JsonNode&, SeccompArg&);
void decode(const JsonNode&, SeccompSyscall&);
void decode(const JsonNode&, Seccomp&);
void decode(const JsonNode&, IntelRdt&);
void decode(const JsonNode&, Personality&);
void decode(const JsonNode&, TimeOffset&);
void decode(const JsonNode&, NetDevice&);
void decode(const JsonNode&, MemoryPolicy&);
void decode(const JsonNode&, Linux&);
// parse_resources.cpp
void decode(const JsonNode&, DeviceCgroupRule&);
void decode(const JsonNode&, Memory&);
void decode(const JsonNode&, Cpu&);
void decode(const JsonNode&, Pids&);
void decode(const JsonNode&, WeightDevice&);
void decode(const JsonNode&, ThrottleDevice&);
void decode(const JsonNode&, BlockIO&);
void decode(const JsonNode&, HugepageLimit&);
void decode(const JsonNode&, InterfacePriority&);
void decode(const JsonNode&, Network&);
void decode(const JsonNode&, Rdma&);
void decode(const JsonNode&, Resources&);

template <class T>
void decode(const JsonNode& n, std::optional<T>& out);
template <class T>
void decode(const JsonNode& n, std::vector<T>& out);
template <class T>
void decode(const JsonNode& n, std::map<std::string, T>& out);

template <class T>
void decode(const JsonNode& n, std::optional<T>& out)
{
    decode(n, out.emplace());
}

template <class T>
void decode(const JsonNode& n, std::vector<T>& out)
{
    out.clear();
    n.each_element([&](const JsonNode& e) { decode(e, out.emplace_back()); });
}

template <class T>
void decode(const JsonNode& n, std::map<std::string, T>& out)
{
    out.clear();
    n.each_member([&](const std::string& key, const JsonNode& v) { decode(v, out[key]); });
}

// Reads member `key` of object `obj` into `out`; leaves `out` untouched when absent.
template <class T>
void opt(const JsonNode& obj, std::string_view key, T& out)
{
    if (auto m = obj.member(key)) decode(*m, out);
}

// Like opt(), but absence is an error.
template <class T>
void req(const JsonNode& obj, std::string_view key, T& out)
{
    decode(obj.required(key), out);
}

}  // namespace berth::spec::detail
