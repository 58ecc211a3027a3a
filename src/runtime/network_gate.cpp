#include "berth/runtime/network_gate.hpp"

#include <sched.h>

#include <cerrno>

#include "berth/runtime/sync.hpp"
#include "berth/util/fd.hpp"

namespace berth::runtime {

bool NetworkGate::enter(Failure& f) noexcept
{
    if (!pending_) return true;
    SyncMsg m;
    Fd ns;
    int r = sync_recv(sync_fd_, m, &ns);
    if (r <= 0) return f.set(r < 0 ? errno : EPIPE, "waiting for berth");
    if (m.type != SyncType::network_ns || !ns)
        return f.set(EPROTO, "unexpected message %u from berth", static_cast<unsigned>(m.type));
    if (::setns(ns.get(), CLONE_NEWNET) < 0) return f.set(errno, "join the network namespace berth made");
    pending_ = false;
    return true;
}

}  // namespace berth::runtime
