#include "berth/runtime/rollback.hpp"

#include <signal.h>
#include <sys/wait.h>

#include "berth/runtime/cgroup_claim.hpp"
#include "berth/util/error.hpp"

namespace berth::runtime {

Rollback::~Rollback()
{
    if (committed_) return;
    if (init_ > 0) ::kill(init_, SIGKILL);
    if (child_ > 0) {
        ::kill(child_, SIGKILL);
        ::waitpid(child_, nullptr, 0);
    }
    if (init_ > 0 && init_ != child_) ::waitpid(init_, nullptr, __WALL | WNOHANG);
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
