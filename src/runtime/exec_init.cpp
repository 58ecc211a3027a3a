#include "berth/runtime/exec_init.hpp"

#include <signal.h>
#include <sched.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>

#include "berth/linux/syscalls.hpp"
#include "berth/runtime/sync.hpp"

namespace berth::runtime {

namespace {

// `unattended`: berth will not wait for "ready" (the container is paused: this process goes on
// when it is resumed, long after berth exec returned).
bool wait_for_cgroup(int sync_fd, bool& unattended, Failure& f) noexcept
{
    SyncMsg m;
    int r = sync_recv(sync_fd, m);
    if (r <= 0) return f.set(r < 0 ? errno : EPIPE, "waiting for berth");
    if (m.type != SyncType::cgroup_ready)
        return f.set(EPROTO, "unexpected message %u from berth", static_cast<unsigned>(m.type));
    unattended = m.pid == exec_unattended;
    return true;
}

}  // namespace

void run_exec_init(const ExecJoin& join, const ProcessPlan& process, int sync_fd) noexcept
{
    Failure f;
    // berth's image until execve, in the container's pid namespace from the next call on:
    // never dumpable, so nothing there can open it through /proc/<pid>/exe (SECURITY.md #1).
    if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) fail_child(sync_fd, (f.set(errno, "prctl PR_SET_DUMPABLE"), f));
    if (!join.fork) ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (join.early_flags && ::setns(join.init_pidfd, join.early_flags) < 0)
        fail_child(sync_fd, (f.set(errno, "join the container's namespaces"), f));
    if (join.fork) {
        pid_t pid = os::clone_process(0);
        if (pid < 0) fail_child(sync_fd, (f.set(errno, "fork into the container's pid namespace"), f));
        if (pid > 0) {
            sync_send(sync_fd, SyncType::init_pid, pid);
            ::_exit(0);
        }
    }
    // The host's procfs is still the one at /proc: the label's attr file cannot be the
    // container's (SECURITY.md #11).
    Fd label_attr;
    if (process.exec_label) {
        label_attr.reset(os::open_exec_label_attr(process.exec_label->lsm, f));
        if (!label_attr) fail_child(sync_fd, f);
    }
    bool unattended = false;
    if (!wait_for_cgroup(sync_fd, unattended, f)) fail_child(sync_fd, f);
    // Failures then go to stderr: nobody reads the socket.
    if (unattended) sync_fd = -1;
    if (join.cgroup_tasks && !join_cgroup_itself(*join.cgroup_tasks, f)) fail_child(sync_fd, f);
    if (join.late_flags && ::setns(join.init_pidfd, join.late_flags) < 0)
        fail_child(sync_fd, (f.set(errno, "join the container's mount namespace"), f));
    if (join.root_fd >= 0 && (::fchdir(join.root_fd) < 0 || ::chroot(".") < 0))
        fail_child(sync_fd, (f.set(errno, "enter the container's root"), f));
    finish_process(process, StartGate{sync_fd, -1, label_attr.get()});
}

}  // namespace berth::runtime
