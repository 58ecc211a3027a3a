// The child side of `berth exec`: join the container's namespaces through a pidfd of its init,
// enter its cgroup (placed there by berth), then the shared process step (finish_process).
//
// Handshake (sync.hpp's messages), in order:
//  #  sender        message        when                                   the receiver then
//  1  intermediate  init_pid(pid)  only when a pid or time namespace is   records the process's pid,
//                                  joined: setns applies those to         reaps the intermediate
//                                  children, so it forks the process
//  2  parent        cgroup_ready   the process is in the container's      process: joins the mount and
//                  (unattended?)   cgroup (v1: berth wrote cgroup.procs;  cgroup namespaces, process step;
//                                  v2: born there with the intermediate)  unattended (paused container):
//                                                                         no more messages, failures on
//                                                                         stderr
//  3  process       seccomp_fd /   as for create (steps 8-10)             listener served / process
//                   ready                                                 execs once ready
//  -  (EOF)                        execve closed the socket               exec: the process runs
#pragma once
#include "berth/runtime/finish_process.hpp"
#include "berth/runtime/process_plan.hpp"

namespace berth::runtime {

struct ExecJoin {
    int init_pidfd = -1;  // the container init, held since its start time was checked
    // Joined first: every namespace of the init that is not berth's own, except mount and
    // cgroup. They include user (the kernel joins it first) and pid (hence `fork`).
    int early_flags = 0;
    // Joined once the process is in the container's cgroup: mount (the container's root becomes
    // the process's root and cwd) and cgroup (its root is then the container's cgroup).
    int late_flags = 0;
    bool fork = false;  // a pid or time namespace is joined: the process is a child of the clone
    // The init's root (/proc/<pid>/root) when the container has no mount namespace of its own:
    // no setns puts the process there, so it chroots into it once the mount namespace is joined.
    int root_fd = -1;
};

// cgroup_ready's value when berth will not wait for the process (a paused container).
inline constexpr int32_t exec_unattended = 1;

[[noreturn]] void run_exec_init(const ExecJoin& join, const ProcessPlan& process, int sync_fd) noexcept;

}  // namespace berth::runtime
