// The last steps before execve: rlimits, identity, capabilities, executable lookup, fds.
// Everything here runs in the container init; inputs were prepared by the parent.
#pragma once
#include <sys/resource.h>
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "berth/util/failure.hpp"

namespace berth::os {

struct RlimitSetting {
    int resource = 0;
    std::string name;  // "RLIMIT_NOFILE", for messages
    struct rlimit limit {};
};

bool apply_rlimits(const std::vector<RlimitSetting>& limits, Failure& f);

struct CapabilitySets {
    bool present = false;  // process.capabilities absent: leave the process's capabilities alone
    uint64_t bounding = 0, effective = 0, permitted = 0, inheritable = 0, ambient = 0;
};

struct Identity {
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> additional_gids;
    bool set_groups = true;  // false in a user namespace whose setgroups is denied
};

// Drops from the bounding set every capability caps.bounding leaves out (none without caps).
bool drop_bounding(const CapabilitySets& caps, Failure& f);

// Drops the bounding set (unless `bounding_dropped`: drop_bounding ran already), switches
// uid/gid/groups keeping capabilities, then sets the effective/permitted/inheritable and
// ambient sets.
bool apply_identity_and_caps(const Identity& id, const CapabilitySets& caps, Failure& f, bool bounding_dropped = false);

// Resolves argv[0] like execvp would, against the container's PATH. Writes the path to `out`.
bool find_executable(const char* arg0, const char* path_env, char* out, size_t out_size, Failure& f);

// Makes every fd >= 3 + preserve close-on-exec and clears it on the preserved ones.
bool prepare_fds_for_exec(int preserve_fds, Failure& f);

// The fds from `first` up that berth inherited from its caller: open without FD_CLOEXEC (every
// fd berth opens itself has it). A clone of berth would otherwise hold them until its execve,
// which for a created container's init is `berth start`, maybe never: a caller's lock, the
// write end of its pipe. Read from /proc/self/fd before the clone.
std::vector<int> inherited_fds(int first);

// Closes them; for the clone, which must not allocate.
void close_fds(const std::vector<int>& fds) noexcept;

}  // namespace berth::os
