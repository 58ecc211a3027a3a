// Private to src/spec: decode(Node, T&) for every config type, plus opt()/req() helpers
// that read one object member. Struct decoders are defined in parse*.cpp.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "berth/spec/config.hpp"
#include "json_reader.hpp"

namespace berth::spec::detail {

inline void decode(const Node& n, std::string& out) { out = n.as_string(); }
inline void decode(const Node& n, bool& out) { out = n.as_bool(); }

template <std::integral T>
    requires(!std::same_as<T, bool>)
void decode(const Node& n, T& out)
{
    out = n.as_int<T>();
}

// parse.cpp
void decode(const Node&, Root&);
void decode(const Node&, IdMapping&);
void decode(const Node&, Mount&);
void decode(const Node&, User&);
void decode(const Node&, Box&);
void decode(const Node&, Capabilities&);
void decode(const Node&, Rlimit&);
void decode(const Node&, Scheduler&);
void decode(const Node&, IoPriority&);
void decode(const Node&, ExecCpuAffinity&);
void decode(const Node&, Process&);
void decode(const Node&, Hook&);
void decode(const Node&, Hooks&);
// parse_linux.cpp
void decode(const Node&, Namespace&);
void decode(const Node&, Device&);
void decode(const Node&, SeccompArg&);
void decode(const Node&, SeccompSyscall&);
void decode(const Node&, Seccomp&);
void decode(const Node&, IntelRdt&);
void decode(const Node&, Personality&);
void decode(const Node&, TimeOffset&);
void decode(const Node&, NetDevice&);
void decode(const Node&, MemoryPolicy&);
void decode(const Node&, Linux&);
// parse_resources.cpp
void decode(const Node&, DeviceCgroupRule&);
void decode(const Node&, Memory&);
void decode(const Node&, Cpu&);
void decode(const Node&, Pids&);
void decode(const Node&, WeightDevice&);
void decode(const Node&, ThrottleDevice&);
void decode(const Node&, BlockIO&);
void decode(const Node&, HugepageLimit&);
void decode(const Node&, InterfacePriority&);
void decode(const Node&, Network&);
void decode(const Node&, Rdma&);
void decode(const Node&, Resources&);

template <class T>
void decode(const Node& n, std::optional<T>& out);
template <class T>
void decode(const Node& n, std::vector<T>& out);
template <class T>
void decode(const Node& n, std::map<std::string, T>& out);

template <class T>
void decode(const Node& n, std::optional<T>& out)
{
    decode(n, out.emplace());
}

template <class T>
void decode(const Node& n, std::vector<T>& out)
{
    out.clear();
    n.each_element([&](const Node& e) { decode(e, out.emplace_back()); });
}

template <class T>
void decode(const Node& n, std::map<std::string, T>& out)
{
    out.clear();
    n.each_member([&](const std::string& key, const Node& v) { decode(v, out[key]); });
}

// Reads member `key` of object `obj` into `out`; leaves `out` untouched when absent.
template <class T>
void opt(const Node& obj, std::string_view key, T& out)
{
    if (auto m = obj.member(key)) decode(*m, out);
}

// Like opt(), but absence is an error.
template <class T>
void req(const Node& obj, std::string_view key, T& out)
{
    decode(obj.required(key), out);
}

}  // namespace berth::spec::detail
