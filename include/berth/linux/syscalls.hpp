// Thin wrappers for system calls glibc 2.36 does not wrap (openat2, clone3, pivot_root,
// close_range where missing). The new mount API (fsopen, fsmount, move_mount, open_tree,
// mount_setattr, fsconfig) comes from <sys/mount.h>.
#pragma once
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include <cstdint>

namespace berth::os {

inline int openat2(int dirfd, const char* path, uint64_t flags, uint64_t mode, uint64_t resolve) noexcept
{
    struct open_how how {};
    how.flags = flags;
    how.mode = mode;
    how.resolve = resolve;
    return static_cast<int>(::syscall(SYS_openat2, dirfd, path, &how, sizeof how));
}

inline int pivot_root(const char* new_root, const char* put_old) noexcept
{
    return static_cast<int>(::syscall(SYS_pivot_root, new_root, put_old));
}

// Fork-like clone (no new stack): returns 0 in the child, the child's pid in the parent.
// With cgroup_fd >= 0 the child starts in that cgroup v2 directory (CLONE_INTO_CGROUP), which
// spares the migration through cgroup.procs.
pid_t clone_process(uint64_t flags, int cgroup_fd = -1) noexcept;

inline int pidfd_open(pid_t pid, unsigned flags = 0) noexcept
{
    return static_cast<int>(::syscall(SYS_pidfd_open, pid, flags));
}

inline int pidfd_send_signal(int pidfd, int sig) noexcept
{
    return static_cast<int>(::syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0));
}

}  // namespace berth::os
