// `berth exec`: a new process in a running container, in every namespace and the cgroup of its
// init, through the same process step as the init (finish_process).
#pragma once
#include "berth/runtime/exec_process.hpp"
#include "berth/runtime/launch.hpp"

namespace berth::runtime {

// Foreground: waits for the process, forwarding signals, and returns its exit status
// (128+signal when killed). Detached: returns 0 once it runs. Fails for a stopped container
// ("cannot exec in a stopped container") and for a paused one unless opts.ignore_paused.
int exec_in_container(const Context& ctx, const ExecOptions& opts);

}  // namespace berth::runtime
