#include "berth/linux/syscalls.hpp"

#include <linux/sched.h>
#include <signal.h>

#include <cerrno>

namespace berth::os {

pid_t clone_process(uint64_t flags, int cgroup_fd) noexcept
{
    struct clone_args args {};
    args.flags = flags;
    args.exit_signal = SIGCHLD;
    if (cgroup_fd >= 0) {
        args.flags |= CLONE_INTO_CGROUP;
        args.cgroup = static_cast<unsigned>(cgroup_fd);  // checked >= 0 above
    }
    long r = ::syscall(SYS_clone3, &args, sizeof args);
    if (r >= 0 || errno != ENOSYS || cgroup_fd >= 0) return static_cast<pid_t>(r);
    // Kernels before 5.3: the classic clone with a NULL stack behaves like fork.
    return static_cast<pid_t>(::syscall(SYS_clone, flags | SIGCHLD, nullptr, nullptr, nullptr, 0));
}

}  // namespace berth::os
