#include "berth/runtime/finish_process.hpp"

#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>

#include "berth/runtime/hook_exec.hpp"
#include "berth/runtime/sync.hpp"
#include "berth/terminal/pty.hpp"

namespace berth::runtime {

namespace {

bool enter_cwd(const ProcessPlan& plan, Failure& f) noexcept
{
    const char* cwd = plan.cwd.c_str();
    if (::chdir(cwd) < 0) return f.set(errno, "chdir to cwd (\"%s\") set in config.json", cwd);
    // SECURITY.md #6: a cwd reached through a leaked fd lies outside the root; getcwd then
    // fails or returns a path that does not start with '/'.
    char buf[PATH_MAX];
    errno = 0;
    if (!::getcwd(buf, sizeof buf) || buf[0] != '/')
        return f.set(errno ? errno : EPERM, "cwd \"%s\" is outside the container root", cwd);
    return true;
}

bool wait_for_start(const StartGate& gate, Failure& f) noexcept
{
    // `run` has nothing to wait for: berth records the state while we exec, and learns of
    // the exec from the sync socket closing (close-on-exec) or of its failure from a message.
    if (gate.exec_fifo < 0) return true;
    char c;
    for (;;) {
        ssize_t n = ::read(gate.exec_fifo, &c, 1);
        if (n == 1) return true;
        if (n < 0 && errno == EINTR) continue;
        return f.set(n < 0 ? errno : EPIPE, "wait on exec fifo");
    }
}

// Loads the filter and hands a listener's fd to berth (handshake steps 8-9). Every system call
// after this one is filtered: what berth's init still makes (sendmsg, close, recvmsg here; the uid
// and capability calls when loaded before them; close_range, fcntl, prctl, sendmsg for
// "ready", read on the exec fifo, execve) must be allowed by the profile, as runc's are.
bool apply_seccomp(const os::SeccompProgram& p, int sync, Failure& f) noexcept
{
    int notify_fd = -1;
    if (!os::load_seccomp(p, &notify_fd, f)) return false;
    if (notify_fd < 0) return true;
    bool sent = sync_send(sync, SyncType::seccomp_fd, 0, notify_fd);
    int err = errno;
    ::close(notify_fd);  // close-on-exec anyway; berth holds its own copy now
    if (!sent) return f.set(err, "send the seccomp notify fd to berth");
    // Step 9: nothing of the container runs before the listener has the fd.
    SyncMsg m;
    int r = sync_recv(sync, m);
    if (r <= 0) return f.set(r < 0 ? errno : EPIPE, "wait for berth to serve the seccomp listener");
    if (m.type != SyncType::go) return f.set(EPROTO, "unexpected message %u from berth", static_cast<unsigned>(m.type));
    return true;
}

// process.terminal (handshake step 7a), first in the process step: the pty comes from the
// devpts of the root we are in (the container's, after pivot_root), /dev/console is bound to
// it before anything of the container runs, the master goes to berth and is closed here, and
// the terminal becomes our stdio and controlling terminal.
bool set_up_terminal(const TerminalPlan& t, uid_t uid, int sync, Failure& f) noexcept
{
    terminal::Pty pty;
    if (!terminal::open_pty(pty, f)) return false;
    if (!terminal::set_window_size(pty.master.get(), {t.rows, t.cols}, f)) return false;
    if (t.mount_console && !terminal::mount_console(pty.peer.get(), f)) return false;
    // The process's user owns its terminal, as on a login (runc does the same): programs that
    // reopen it by name (tty, ssh, sudo) need that. A pty berth made itself, never the caller's
    // stdio (SECURITY.md #15). The mount's gid= (tty) stays.
    if (uid != 0 && ::fchown(pty.peer.get(), uid, static_cast<gid_t>(-1)) < 0)
        return f.set(errno, "process.terminal: chown the pty to uid %u", static_cast<unsigned>(uid));
    if (!sync_send(sync, SyncType::console, static_cast<int32_t>(pty.index), pty.master.get()))
        return f.set(errno, "send the pty master to berth");
    pty.master.reset();
    return terminal::attach_stdio(pty.peer, f);
}

void report_on_stderr(const Failure& f) noexcept
{
    char line[sizeof f.msg + 64];
    int n = f.err ? std::snprintf(line, sizeof line, "berth: %s: %s\n", f.msg, std::strerror(f.err))
                  : std::snprintf(line, sizeof line, "berth: %s\n", f.msg);
    if (n > 0) (void)!::write(2, line, static_cast<size_t>(n));
}

// After `create` returned nobody listens on the socket any more; stderr is all we have.
// (`run` is still listening and reports it.)
[[noreturn]] void fail_after_start(const StartGate& gate, const Failure& f) noexcept
{
    if (gate.exec_fifo >= 0) report_on_stderr(f);
    fail_child(gate.sync_fd, f);
}

}  // namespace

void fail_child(int sync_fd, const Failure& f) noexcept
{
    // No socket: berth does not wait for this process (an exec into a paused container).
    if (sync_fd < 0)
        report_on_stderr(f);
    else
        sync_send_failure(sync_fd, f);
    ::_exit(1);
}

void finish_process(const ProcessPlan& plan, const StartGate& gate) noexcept
{
    Failure f;
    int sync = gate.sync_fd;
    if (plan.terminal && !set_up_terminal(*plan.terminal, plan.identity.uid, sync, f)) fail_child(sync, f);
    if (!os::apply_rlimits(plan.rlimits, f)) fail_child(sync, f);
    if (plan.personality && !os::apply_personality(*plan.personality, f)) fail_child(sync, f);
    if (plan.mempolicy && !os::apply_mempolicy(*plan.mempolicy, f)) fail_child(sync, f);
    if (plan.ioprio && !os::apply_ioprio(*plan.ioprio, f)) fail_child(sync, f);
    if (plan.scheduler && !os::apply_scheduler(*plan.scheduler, f)) fail_child(sync, f);
    if (plan.no_new_privileges && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        fail_child(sync, (f.set(errno, "prctl PR_SET_NO_NEW_PRIVS"), f));
    if (!enter_cwd(plan, f)) fail_child(sync, f);
    // Before any filter: close_range is missing from older profiles (runtime-tools' among them),
    // which runc 1.1 never needed (it marks fds one by one).
    if (!os::prepare_fds_for_exec(plan.preserve_fds, f)) fail_child(sync, f);
    // The exec label while berth still holds its capabilities (changing one's own exec label
    // may need them); the kernel refuses a profile or context it does not know here, in create.
    if (plan.exec_label && !os::write_exec_label(gate.label_attr_fd, *plan.exec_label, f)) fail_child(sync, f);
    // seccomp needs no_new_privs or CAP_SYS_ADMIN: without either after the capabilities are
    // set, the filter goes in while berth still holds them (runc does the same).
    const auto& seccomp = plan.seccomp;
    if (seccomp && seccomp->before_identity && !apply_seccomp(*seccomp, sync, f)) fail_child(sync, f);
    if (!os::apply_identity_and_caps(plan.identity, plan.caps, f, gate.bounding_dropped)) fail_child(sync, f);
    ::umask(plan.umask.value_or(022));
    char exe[PATH_MAX];
    if (!os::find_executable(plan.argv[0], plan.path_env.c_str(), exe, sizeof exe, f)) fail_child(sync, f);
    // In its cgroup by now: the affinity the process keeps (execCPUAffinity.final).
    if (plan.cpus_final && !os::apply_affinity(*plan.cpus_final, f)) fail_child(sync, f);
    ::prctl(PR_SET_PDEATHSIG, 0);
    // seccomp last, so the profile filters as few of berth's own calls as possible. It is in
    // before "ready": a filter the kernel refuses fails `create`, not a later `start`.
    if (seccomp && !seccomp->before_identity && !apply_seccomp(*seccomp, sync, f)) fail_child(sync, f);
    if (sync >= 0 && !sync_send(sync, SyncType::ready)) ::_exit(1);
    if (!wait_for_start(gate, f)) fail_child(sync, f);
    // startContainer hooks: in the container, as its process, with its environment when they
    // bring none (as runc), path resolved in the container.
    if (gate.start_hooks && !run_hooks(*gate.start_hooks, ::getpid(), plan.envp.data(), f)) fail_after_start(gate, f);
    ::execve(exe, plan.argv.data(), plan.envp.data());
    f.set(errno, "exec %s", exe);
    fail_after_start(gate, f);
}

}  // namespace berth::runtime
