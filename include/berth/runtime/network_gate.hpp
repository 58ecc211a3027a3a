// The init's side of a network namespace berth made beside it (container_plan.hpp:
// network_aside; handshake step 4a, sync.hpp): received and joined once, by the first step
// that needs it.
#pragma once
#include "berth/runtime/container_plan.hpp"
#include "berth/util/failure.hpp"

namespace berth::runtime {

class NetworkGate {
public:
    // With plan.go_deferred, the go berth sent before the namespace is taken first (and the
    // flag cleared: the init's later waits do not expect it again).
    NetworkGate(ContainerPlan& plan, int sync_fd) noexcept
        : sync_fd_(sync_fd), pending_(plan.network_aside), go_deferred_(&plan.go_deferred), placement_(&plan.placement)
    {
    }

    // Before a net.* sysctl, a sysfs mount (sysfs shows the network namespace of the task that
    // mounts it), and at the latest once the mounts are done: hooks and the process must find
    // the init in it. Nothing to do without network_aside, or once joined.
    bool enter(Failure& f) noexcept;
    // Not yet joined: the next enter() may wait for berth.
    bool pending() const noexcept { return pending_; }

private:
    int sync_fd_;
    bool pending_;
    bool* go_deferred_;
    const os::CpuPlacement* placement_;
};

}  // namespace berth::runtime
