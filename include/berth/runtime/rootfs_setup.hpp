// Building the container's root filesystem in its mount namespace: propagation, the mounts of
// config.json, /dev, masked and read-only paths, pivot_root.
#pragma once
#include "berth/runtime/init_plan.hpp"

namespace berth::runtime {

bool setup_rootfs(const InitPlan& plan, Failure& f) noexcept;

}  // namespace berth::runtime
