#include "berth/runtime/finish_process.hpp"

#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>

#include "berth/runtime/sync.hpp"

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

}  // namespace

void fail_child(int sync_fd, const Failure& f) noexcept
{
    sync_send_failure(sync_fd, f);
    ::_exit(1);
}

void finish_process(const ProcessPlan& plan, const StartGate& gate) noexcept
{
    Failure f;
    int sync = gate.sync_fd;
    if (!os::apply_rlimits(plan.rlimits, f)) fail_child(sync, f);
    if (plan.personality && !os::apply_personality(*plan.personality, f)) fail_child(sync, f);
    if (plan.mempolicy && !os::apply_mempolicy(*plan.mempolicy, f)) fail_child(sync, f);
    if (plan.ioprio && !os::apply_ioprio(*plan.ioprio, f)) fail_child(sync, f);
    if (plan.scheduler && !os::apply_scheduler(*plan.scheduler, f)) fail_child(sync, f);
    if (plan.no_new_privileges && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        fail_child(sync, (f.set(errno, "prctl PR_SET_NO_NEW_PRIVS"), f));
    if (!enter_cwd(plan, f)) fail_child(sync, f);
    if (!os::apply_identity_and_caps(plan.identity, plan.caps, f)) fail_child(sync, f);
    ::umask(plan.umask.value_or(022));
    char exe[PATH_MAX];
    if (!os::find_executable(plan.argv[0], plan.path_env.c_str(), exe, sizeof exe, f)) fail_child(sync, f);
    if (!os::prepare_fds_for_exec(plan.preserve_fds, f)) fail_child(sync, f);
    // In its cgroup by now: the affinity the process keeps (execCPUAffinity.final).
    if (plan.cpus_final && !os::apply_affinity(*plan.cpus_final, f)) fail_child(sync, f);
    // The security profile is applied here, seccomp last (issue: security profile).
    ::prctl(PR_SET_PDEATHSIG, 0);
    if (!sync_send(sync, SyncType::ready)) ::_exit(1);
    if (!wait_for_start(gate, f)) fail_child(sync, f);
    ::execve(exe, plan.argv.data(), plan.envp.data());
    f.set(errno, "exec %s", exe);
    if (gate.exec_fifo >= 0) {
        // After `create` returned nobody listens on the socket any more; stderr is all we have.
        // (`run` is still listening and reports it.)
        char line[sizeof f.msg + 64];
        int n = std::snprintf(line, sizeof line, "berth: %s: %s\n", f.msg, std::strerror(f.err));
        if (n > 0) (void)!::write(2, line, static_cast<size_t>(n));
    }
    fail_child(sync, f);
}

}  // namespace berth::runtime
