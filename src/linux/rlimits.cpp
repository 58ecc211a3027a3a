#include <sys/resource.h>

#include <cerrno>

#include "berth/linux/process_setup.hpp"

namespace berth::os {

namespace {
struct Named {
    std::string_view name;
    int resource;
};
constexpr Named rlimit_names[] = {
    {"RLIMIT_CPU", RLIMIT_CPU},         {"RLIMIT_FSIZE", RLIMIT_FSIZE},       {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_STACK", RLIMIT_STACK},     {"RLIMIT_CORE", RLIMIT_CORE},         {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_NPROC", RLIMIT_NPROC},     {"RLIMIT_NOFILE", RLIMIT_NOFILE},     {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_AS", RLIMIT_AS},           {"RLIMIT_LOCKS", RLIMIT_LOCKS},       {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},       {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
};
}  // namespace

std::optional<int> rlimit_from_name(std::string_view name)
{
    for (const auto& n : rlimit_names)
        if (n.name == name) return n.resource;
    return std::nullopt;
}

bool apply_rlimits(const std::vector<RlimitSetting>& limits, Failure& f)
{
    for (const auto& l : limits) {
        if (::setrlimit(l.resource, &l.limit) == 0) continue;
        int e = errno;
        struct rlimit cur {};
        ::getrlimit(l.resource, &cur);
        if (e == EPERM && l.limit.rlim_max > cur.rlim_max)
            return f.set(e,
                         "setrlimit %s (soft %llu, hard %llu): the hard limit cannot be raised above the current "
                         "hard limit %llu without CAP_SYS_RESOURCE",
                         l.name, static_cast<unsigned long long>(l.limit.rlim_cur),
                         static_cast<unsigned long long>(l.limit.rlim_max),
                         static_cast<unsigned long long>(cur.rlim_max));
        return f.set(e, "setrlimit %s (soft %llu, hard %llu)", l.name, static_cast<unsigned long long>(l.limit.rlim_cur),
                     static_cast<unsigned long long>(l.limit.rlim_max));
    }
    return true;
}

}  // namespace berth::os
