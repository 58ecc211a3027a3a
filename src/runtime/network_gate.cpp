#include "berth/runtime/network_gate.hpp"

#include <sched.h>

#include <cerrno>

#include "berth/runtime/sync.hpp"
#include "berth/util/fd.hpp"

namespace berth::runtime {

bool NetworkGate::enter(Failure& f) noexcept
{
    if (!pending_) return true;
    if (!sync_take_deferred_go(sync_fd_, *go_deferred_, f)) return false;
    // Berth makes the namespace while we mount: it is usually ready within a few us of us.
    if (placement_->in_effect()) sync_poll_briefly(sync_fd_);
    Fd ns;
    if (!sync_wait_for(sync_fd_, SyncType::network_ns, f, &ns)) return false;
    if (!ns) return f.set(EPROTO, "network_ns from berth without its namespace");
    if (::setns(ns.get(), CLONE_NEWNET) < 0) return f.set(errno, "join the network namespace berth made");
    pending_ = false;
    return true;
}

}  // namespace berth::runtime
