// The handshake between berth (the parent), the intermediate process and the container init,
// over one SOCK_SEQPACKET socketpair. Messages are fixed-size structs, so the child side never
// allocates to report; a message may carry one fd (SCM_RIGHTS): the pty master for the console
// socket or berth's foreground proxy, the seccomp notify fd for its listener.
//
// The whole sequence, in order. "init" is the cloned child; with a two-stage start (joins that
// must precede creating namespaces) the clone is the intermediate, which forks the init.
//
//  #  sender        message        when                                 the receiver then
//  1  intermediate  userns_ready   it unshared a new user namespace     writes uid_map/gid_map, sends go
//  2  parent        go             (1) answered                         intermediate: becomes root there
//  3  intermediate  init_pid(pid)  it forked the init into the pid ns   records the init's pid, reaps the
//                                                                       intermediate
//  3a parent        mount_source   in a user namespace, once per bind   init: keeps the fd for
//                   (index, fd)    mount: an O_PATH fd of its source,   plan.mounts[index]
//                                  opened as host root in the init's
//                                  mount namespace
//  4  parent        go             ids mapped (or none to map); with    init: becomes root in its user ns,
//                                  the systemd driver, the init is in   sysctls, cgroup ns if born in its
//                                  its scope with its device rules and  cgroup, keyring, names, rootfs
//                                  limits (a scope needs a process)     mounts. With plan.go_deferred it
//                                                                       did all that already and takes
//                                                                       go with 4a or 5
// 4a parent        network_ns(fd) plan.network_aside: berth made the   init: joins it before its first
//                                  container's network namespace after  net.* sysctl or sysfs mount, at
//                                  go (network_namespace.hpp)           the latest after its mounts
//  5  parent        cgroup_ready   the init's cgroup has its device     init (after its mounts): moves
//                                  rules and resource limits (the init  itself into its v1 cgroups (or
//                                  is in it, or joins it next),         berth placed it), then the cgroup
//                                  oom_score_adj written, state.json    ns if not made yet (crash
//                                  on disk ("created"; "running" for a  consistency: berth killed before
//                                  run without hooks or agent)          this, the init gets EOF and exits;
//                                                                       after it, delete -f finds it)
//  6  init          hooks          mounts done, before pivot_root;      runs the prestart, then the
//                                  only when plan.pause_before_pivot    createRuntime hooks (runtime ns,
//                                  (the config has either hook)         hooks.hpp), then sends resume; a
//                                                                       failing hook fails the create
//  7  parent        resume         (6) answered                         init: createContainer hooks,
//                                                                       pivot_root, process step
// 7a  init          console(N,fd)  process.terminal: it opened a pty of sends the master to the console
//                                  the container's devpts, made it its  socket and closes it, or keeps it
//                                  stdio, bound it over /dev/console    for the foreground proxy (N of
//                                  (not in an exec); fd is the master,  /dev/pts/N: for --debug). No
//                                  which the init then closes           answer: the init goes on
//  8  init          seccomp_fd(fd) it loaded a seccomp filter with a     hands fd and the container process
//                                  listener (SCMP_ACT_NOTIFY rules);    state to the listener at
//                                  fd is the notify fd                  listenerPath (seccomp_listener.hpp)
//  9  parent        go             the listener has the fd              init: finishes the process step
// 10  init          ready          process set up, waiting to start     create: done. run: records
//                                                                       "running", or only keeps the config
//                                                                       when the step-5 record said so (no
//                                                                       hooks, no agent); the init runs the
//                                                                       startContainer hooks once started,
//                                                                       then execs
//  -  init          error(failure) any step failed; the init exits      throws the failure with context
//  -  (EOF)                        execve closed the socket (CLOEXEC)   run: the container runs. A
//                                                                       foreground run without hooks or
//                                                                       agent reads EOF, or a late exec
//                                                                       failure, once the init has exited
//
// Steps 1-3 happen only in a two-stage start; without one, 1 and 3 are skipped. 3a happens
// only in a user namespace, where the init may not reach a bind source itself. 4a only with
// plan.network_aside (a new network namespace, no new user namespace, one stage). 7a only with
// process.terminal. 8-9 only with a seccomp listener (9: a `run` has no exec fifo to hold the
// process back until the listener is served). A failure in any step replaces the rest of the sequence. The parent drives
// its side from launch.cpp (launch()), the init its side from container_init.cpp
// (run_container_init()) and finish_process.cpp (steps 7a-10). An init placed on a CPU of its
// own (os::CpuPlacement) polls briefly before it blocks for 4a and 5 (sync_wait_for_berth).
#pragma once
#include <sys/types.h>

#include <cstdint>

#include "berth/linux/cpu_placement.hpp"
#include "berth/util/failure.hpp"
#include "berth/util/fd.hpp"

namespace berth::runtime {

enum class SyncType : uint32_t {
    go = 1,        // parent -> child: ids mapped, carry on
    cgroup_ready,  // parent -> init: the init is in its cgroup
    userns_ready,  // intermediate -> parent: new user namespace exists, write its id maps
    init_pid,      // intermediate -> parent: pid of the container init (two-stage start)
    hooks,         // init -> parent: stopped before pivot_root for the create hooks
    resume,        // parent -> init: hooks done, carry on
    ready,         // init -> parent: set up; waits on the exec fifo (create) or execs (run)
    error,         // child -> parent: `failure` says what went wrong
    mount_source,  // parent -> init: `pid` is an index into plan.mounts, the fd its bind source
    seccomp_fd,    // init -> parent: carries the seccomp notify fd for the listener
    console,       // init -> parent: carries the pty master; `pid` is N of its /dev/pts/N
    network_ns,    // parent -> init: carries the network namespace berth made for it
};

struct SyncMsg {
    SyncType type = SyncType::go;
    int32_t pid = 0;
    Failure failure;
};

// The enumerator's name ("go", "cgroup_ready"), for --debug.
const char* sync_type_name(SyncType type) noexcept;

// pass_fd >= 0 travels with the message (SCM_RIGHTS); the sender keeps its own copy.
bool sync_send(int fd, SyncType type, int32_t pid = 0, int pass_fd = -1) noexcept;
bool sync_send_failure(int fd, const Failure& f) noexcept;
// 1: a message; 0: the peer closed (it exited, or exec'd: the socket is close-on-exec); -1: error.
// An fd that came with the message lands in *received (close-on-exec); without `received`
// it is closed.
int sync_recv(int fd, SyncMsg& msg, Fd* received = nullptr) noexcept;
// The child's side: the next message must be `want` (its fd, if any, in *received); false
// with f set otherwise ("waiting for berth" when berth is gone, EPROTO for another message).
bool sync_wait_for(int fd, SyncType want, Failure& f, Fd* received = nullptr) noexcept;

// Returns once a message is queued on fd, or after `budget_ns` (default 200 us) without
// blocking: for an init with a CPU of its own (os::CpuPlacement::in_effect) about to wait for
// a message berth is about to send. Blocking idles that CPU, and the wake-up costs an IPI and,
// in a VM, the halted vCPU's return: 40-75 us per handoff on the benchmark's VM, where the
// init and berth reach the network namespace and cgroup_ready within a few us of each other.
void sync_poll_briefly(int fd, long budget_ns = 200'000) noexcept;

// The init's wait for berth's next message once its first steps are done (4a, 5): the go it
// did not wait for first when `go_deferred` (once: then it is false), a brief poll while
// `placement` is in effect, then `want` as sync_wait_for takes it.
bool sync_wait_for_berth(int fd, SyncType want, bool& go_deferred, const os::CpuPlacement& placement, Failure& f,
                         Fd* received = nullptr) noexcept;

}  // namespace berth::runtime
