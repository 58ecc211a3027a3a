// Private to src/spec: helpers shared by validate.cpp and validate_linux.cpp.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "berth/spec/config.hpp"
#include "berth/util/json_reader.hpp"

namespace berth::spec::detail {

// Reports problems as "<source>: <path>: <problem>".
struct Checker {
    std::string_view source;

    [[noreturn]] void fail(std::string_view path, std::string_view problem) const
    {
        fail_at_json_path(source, path, problem);
    }
    void absolute(std::string_view path, std::string_view value) const
    {
        if (value.empty() || value.front() != '/') fail(path, "must be an absolute path");
    }
};

inline std::string in_quotes(std::string_view s)
{
    std::string q = "\"";
    q += s;
    q += '"';
    return q;
}

inline std::string field(std::string_view parent, std::string_view key) { return json_member_path(parent, key); }
inline std::string item(std::string_view parent, size_t i) { return json_element_path(parent, i); }

inline void check_id_mappings(const Checker& c, std::string_view path, const std::vector<IdMapping>& maps)
{
    for (size_t i = 0; i < maps.size(); ++i)
        if (maps[i].size == 0) c.fail(field(item(path, i), "size"), "must be greater than 0");
}

// validate_linux.cpp: everything under .linux plus the checks that tie other fields to
// linux.namespaces (hostname needs a UTS namespace, ...).
void validate_linux(const Checker& c, const Config& config);

// .hooks: absolute paths, positive timeouts.
void check_hooks(const Checker& c, const Hooks& hooks);

// linux.seccomp (parse_seccomp): action, architecture, flag and operator names, errno ranges.
void check_seccomp(const Checker& c, const Seccomp& s);

}  // namespace berth::spec::detail
