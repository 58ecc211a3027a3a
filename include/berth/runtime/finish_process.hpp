// The process step, shared by a new container's init and (later) an exec into a running one:
// the terminal (process.terminal: a pty as stdio, its master to berth), rlimits, no_new_privs,
// cwd, user and groups, capabilities, umask, executable lookup, fds, then the start gate and
// execve. The security profile (seccomp last) goes between the capabilities and the gate;
// startContainer hooks run right after the gate opens.
#pragma once
#include "berth/runtime/process_plan.hpp"

namespace berth::runtime {

struct HookList;

struct StartGate {
    int sync_fd = -1;    // handshake socket: "ready" goes out here, so does any failure
    int exec_fifo = -1;  // create: block on it until `berth start` writes; -1: exec at once
    // The process's own /proc/thread-self/attr/exec (or AppArmor's), opened while the host's
    // procfs was the one in reach; -1 without plan.exec_label.
    int label_attr_fd = -1;
    const HookList* start_hooks = nullptr;  // startContainer hooks, run once the gate opens
    bool bounding_dropped = false;          // the init dropped the bounding set while it waited
};

// Never returns: execve, or a failure reported on gate.sync_fd and _exit(1).
[[noreturn]] void finish_process(const ProcessPlan& plan, const StartGate& gate) noexcept;

// Reports f on the sync socket and exits: the end of every failed step in the child.
[[noreturn]] void fail_child(int sync_fd, const Failure& f) noexcept;

}  // namespace berth::runtime
