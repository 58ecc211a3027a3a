// The child side of `berth exec`: join the container's namespaces through a pidfd of its init,
// enter its cgroup (by itself: cgroup_self_join.hpp; or placed there by berth), then the shared
// process step (finish_process).
//
// Handshake (sync.hpp's messages), in order:
//  #  sender        message        when                                   the receiver then
//  1  intermediate  init_pid(pid)  only when a pid or time namespace is   records the process's pid,
//                                  joined: setns applies those to         reaps the intermediate
//                                  children, so it forks the process
//  2  parent        cgroup_ready   device rules are in place (v1: berth   process: moves itself into the
//                  (unattended?)   wrote cgroup.procs, or the process     v1 cgroups if berth did not,
//                                  moves itself; v2: born there with the  joins the mount and cgroup
//                                  intermediate)                          namespaces, process step;
//                                                                         unattended (paused container):
//                                                                         no more messages, failures on
//                                                                         stderr
//  3  process       seccomp_fd /   as for create (steps 8-10)             listener served / process
//                   ready                                                 execs once ready
//  -  (EOF)                        execve closed the socket               exec: the process runs
#pragma once
#include <vector>

#include "berth/runtime/cgroup_self_join.hpp"
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
    // v1 `tasks` files the process writes "0" to after cgroup_ready (cgroup_self_join.hpp);
    // null: berth places it.
    std::vector<CgroupTasksFile>* cgroup_tasks = nullptr;
};

// cgroup_ready's value when berth will not wait for the process (a paused container).
inline constexpr int32_t exec_unattended = 1;

[[noreturn]] void run_exec_init(const ExecJoin& join, const ProcessPlan& process, int sync_fd) noexcept;

}  // namespace berth::runtime
