// The container init: what the cloned child runs from clone to execve.
#pragma once
#include "berth/runtime/init_plan.hpp"

namespace berth::runtime {

// Never returns: execs the container process, or reports a failure on sync_fd and exits.
// Throws nothing; nothing it calls may throw across the clone boundary.
[[noreturn]] void run_init(InitPlan& plan, int sync_fd) noexcept;

}  // namespace berth::runtime
