#include <grp.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>

#include "berth/linux/capabilities.hpp"
#include "berth/linux/process_setup.hpp"

namespace berth::os {

namespace {

bool set_proc_caps(const CapabilitySets& caps, Failure& f)
{
    cap_t c = ::cap_init();
    if (!c) return f.set(errno, "allocate capability set");
    bool ok = true;
    unsigned n = capability_count();
    for (unsigned i = 0; i < n && ok; ++i) {
        cap_value_t v = static_cast<cap_value_t>(i);
        uint64_t bit = uint64_t{1} << i;
        if (caps.effective & bit) ok = ::cap_set_flag(c, CAP_EFFECTIVE, 1, &v, CAP_SET) == 0;
        if (ok && (caps.permitted & bit)) ok = ::cap_set_flag(c, CAP_PERMITTED, 1, &v, CAP_SET) == 0;
        if (ok && (caps.inheritable & bit)) ok = ::cap_set_flag(c, CAP_INHERITABLE, 1, &v, CAP_SET) == 0;
    }
    if (ok && ::cap_set_proc(c) < 0) ok = false;
    int e = errno;
    ::cap_free(c);
    if (!ok) return f.set(e, "set capabilities");
    for (unsigned i = 0; i < n; ++i) {
        if (!(caps.ambient & (uint64_t{1} << i))) continue;
        if (::cap_set_ambient(static_cast<cap_value_t>(i), CAP_SET) < 0) {
            char* name = ::cap_to_name(static_cast<cap_value_t>(i));
            f.set(errno, "raise ambient capability %s", name ? name : "?");
            ::cap_free(name);
            return false;
        }
    }
    return true;
}

}  // namespace

bool drop_bounding(const CapabilitySets& caps, Failure& f)
{
    if (!caps.present) return true;
    unsigned n = capability_count();
    for (unsigned i = 0; i < n; ++i) {
        if (caps.bounding & (uint64_t{1} << i)) continue;
        if (::cap_drop_bound(static_cast<cap_value_t>(i)) < 0) return f.set(errno, "drop capability %u from bounding set", i);
    }
    return true;
}

bool apply_identity_and_caps(const Identity& id, const CapabilitySets& caps, Failure& f, bool bounding_dropped)
{
    if (caps.present) {
        if (!bounding_dropped && !drop_bounding(caps, f)) return false;
        // Keep the permitted set across the uid change; the final sets are applied below.
        if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) return f.set(errno, "prctl PR_SET_KEEPCAPS");
    }
    if (id.set_groups && ::setgroups(id.additional_gids.size(), id.additional_gids.data()) < 0)
        return f.set(errno, "setgroups");
    if (::setresgid(id.gid, id.gid, id.gid) < 0) return f.set(errno, "setgid %u", id.gid);
    if (::setresuid(id.uid, id.uid, id.uid) < 0) return f.set(errno, "setuid %u", id.uid);
    if (!caps.present) return true;
    if (::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) return f.set(errno, "prctl PR_SET_KEEPCAPS");
    return set_proc_caps(caps, f);
}

}  // namespace berth::os
