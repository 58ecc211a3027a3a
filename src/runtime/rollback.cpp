#include "berth/runtime/rollback.hpp"

#include <signal.h>
#include <sys/wait.h>

#include "berth/runtime/cgroup_claim.hpp"
#include "berth/util/error.hpp"

namespace berth::runtime {

void kill_unfinished(pid_t child, pid_t process) noexcept
{
    if (process > 0) ::kill(process, SIGKILL);
    if (child > 0) {
        ::kill(child, SIGKILL);
        ::waitpid(child, nullptr, 0);
    }
    if (process > 0 && process != child) ::waitpid(process, nullptr, __WALL | WNOHANG);
}

Rollback::~Rollback()
{
    if (committed_) return;
    kill_unfinished(child_, init_);
    try {
        if (rootfs_mount_) os::detach_rootfs(*rootfs_mount_);
    } catch (const Error&) {
    }
    try {
        if (cgroup_ && existing_cgroup_dirs_.empty()) {
            cgroup_->kill_all(SIGKILL);
            cgroup_->destroy();
        } else if (cgroup_) {
            // Part of it was there before us: what runs there is not ours to kill (our own
            // processes are gone), and those dirs stay.
            remove_created_cgroup_dirs(*cgroup_, existing_cgroup_dirs_);
        }
    } catch (const Error&) {
        // Best effort: the primary error is what the user needs to see.
    }
    try {
        dir_.remove();
    } catch (const Error&) {
    }
    if (then_) then_();
}

}  // namespace berth::runtime
