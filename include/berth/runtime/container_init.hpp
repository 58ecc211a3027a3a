// The container init: what the cloned child runs from clone to execve. Namespaces and the
// handshake first, then the container step (rootfs_setup.hpp), then the process step
// (finish_process.hpp) that an exec init shares.
#pragma once
#include "berth/runtime/container_plan.hpp"
#include "berth/runtime/finish_process.hpp"

namespace berth::runtime {

// Never returns: execs the container process, or reports a failure on gate.sync_fd and exits.
// Throws nothing; nothing it calls may throw across the clone boundary. `container` is the
// child's own copy: fds berth sends during the handshake are recorded in it.
[[noreturn]] void run_container_init(ContainerPlan& container, const ProcessPlan& process,
                                     const StartGate& gate) noexcept;

}  // namespace berth::runtime
