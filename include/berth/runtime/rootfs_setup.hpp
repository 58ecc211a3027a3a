// The container step's filesystem half, in the container's mount namespace. Split at the
// point the runtime-spec names for the createRuntime/createContainer hooks: everything is
// mounted, but the init still sees the host's root.
#pragma once
#include "berth/runtime/container_plan.hpp"
#include "berth/runtime/network_gate.hpp"
#include "berth/util/failure.hpp"
#include "berth/util/fd.hpp"

namespace berth::runtime {

// Propagation, the rootfs bind, the mounts of config.json, /dev, the cwd, masked and read-only
// paths. `root` receives an O_PATH fd of the rootfs for enter_rootfs(). A sysfs mount waits
// for the container's network namespace when berth makes it (`network`).
bool mount_rootfs(const ContainerPlan& plan, Fd& root, NetworkGate& network, Failure& f) noexcept;

// pivot_root (or MS_MOVE + chroot for --no-pivot), shared propagation, read-only root.
bool enter_rootfs(const ContainerPlan& plan, int rootfd, Failure& f) noexcept;

}  // namespace berth::runtime
