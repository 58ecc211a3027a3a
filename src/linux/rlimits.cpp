#include <sys/resource.h>

#include <cerrno>

#include "berth/linux/process_setup.hpp"

namespace berth::os {

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
                         l.name.c_str(), static_cast<unsigned long long>(l.limit.rlim_cur),
                         static_cast<unsigned long long>(l.limit.rlim_max),
                         static_cast<unsigned long long>(cur.rlim_max));
        return f.set(e, "setrlimit %s (soft %llu, hard %llu)", l.name.c_str(), static_cast<unsigned long long>(l.limit.rlim_cur),
                     static_cast<unsigned long long>(l.limit.rlim_max));
    }
    return true;
}

}  // namespace berth::os
