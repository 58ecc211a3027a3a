// A container's new network namespace, made by berth beside the init rather than by the
// init's clone. Creating one is ~0.5 ms of kernel work (every per-namespace subsystem sets
// itself up: loopback, sysctl tables, netfilter...); inside the clone it delays everything the
// init does, made by berth right after the clone it overlaps the init's first mounts, and the
// init joins it once it needs it (container_plan.hpp: network_aside).
#pragma once
#include <optional>

#include "berth/util/fd.hpp"

namespace berth::os {

class NetworkNamespaceMaker {
public:
    // When berth, having unshared a network namespace, can go back to its own: setns needs
    // CAP_SYS_ADMIN in the user namespace that owns the target, which root has in its own user
    // namespace and those below it, not in an ancestor's (root of a user namespace while the
    // network namespace is the host's). nullopt then, and the clone makes the container's as
    // before. One open and one ioctl (NS_GET_USERNS), on every create with a new one.
    static std::optional<NetworkNamespaceMaker> for_this_process();

    // Unshares a new network namespace, keeps an fd of it and returns berth to its own.
    // Throws Error; a failure to return is fatal to the create (berth would run its hooks, and
    // everything after, in the wrong namespace).
    Fd make() const;

private:
    explicit NetworkNamespaceMaker(Fd own) : own_(std::move(own)) {}
    Fd own_;
};

}  // namespace berth::os
