#include "berth/runtime/network_gate.hpp"

#include <sched.h>

#include <cerrno>

#include "berth/runtime/sync.hpp"
#include "berth/util/fd.hpp"

namespace berth::runtime {

bool NetworkGate::enter(Failure& f) noexcept
{
    if (!pending_) return true;
    // Berth makes the namespace while we mount: it is usually ready within a few us of us.
    Fd ns;
    if (!sync_wait_for_berth(sync_fd_, SyncType::network_ns, *go_deferred_, *placement_, f, &ns)) return false;
    if (!ns) return f.set(EPROTO, "network_ns from berth without its namespace");
    if (::setns(ns.get(), CLONE_NEWNET) < 0) return f.set(errno, "join the network namespace berth made");
    pending_ = false;
    return true;
}

}  // namespace berth::runtime
