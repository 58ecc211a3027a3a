#include "berth/runtime/init.hpp"

#include <fcntl.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "berth/linux/syscalls.hpp"
#include "berth/runtime/rootfs_setup.hpp"
#include "berth/runtime/sync.hpp"

namespace berth::runtime {

namespace {

[[noreturn]] void fail(int sync_fd, const Failure& f) noexcept
{
    sync_send_failure(sync_fd, f);
    ::_exit(1);
}

bool wait_for(int sync_fd, SyncType want, Failure& f) noexcept
{
    SyncMsg m;
    int r = sync_recv(sync_fd, m);
    if (r <= 0) return f.set(r < 0 ? errno : EPIPE, "waiting for berth");
    if (m.type != want) return f.set(EPROTO, "unexpected message %u from berth", static_cast<unsigned>(m.type));
    return true;
}

bool join(const NamespaceJoin& j, Failure& f) noexcept
{
    if (::setns(j.fd.get(), j.nstype) < 0) return f.set(errno, "join namespace %s", j.path.c_str());
    return true;
}

// In a user namespace berth created (once the parent has written the id maps) or joined:
// until then our host ids are unmapped there and every file we create fails with EOVERFLOW.
bool become_userns_root(const InitPlan& plan, Failure& f) noexcept
{
    if (!(plan.new_namespaces & CLONE_NEWUSER) && !plan.join_user) return true;
    if (::setresgid(0, 0, 0) < 0) return f.set(errno, "setgid 0 in the user namespace (is gid 0 mapped?)");
    if (::setresuid(0, 0, 0) < 0) return f.set(errno, "setuid 0 in the user namespace (is uid 0 mapped?)");
    return true;
}

// Stage one of a two-stage start: join namespaces by path first, then create the new ones
// (owned by the joined user namespace), and fork the init into the pid namespace.
// Returns only in the init; the intermediate process exits here.
bool two_stage(InitPlan& plan, int sync_fd, Failure& f) noexcept
{
    for (const auto& j : plan.joins)
        if (!join(j, f)) return false;
    if (plan.join_user && (!join(*plan.join_user, f) || !become_userns_root(plan, f))) return false;
    if (plan.new_namespaces & CLONE_NEWUSER) {
        if (::unshare(CLONE_NEWUSER) < 0) return f.set(errno, "unshare user namespace");
        if (!sync_send(sync_fd, SyncType::userns_ready)) return f.set(errno, "notify berth");
        if (!wait_for(sync_fd, SyncType::go, f)) return false;
        if (!become_userns_root(plan, f)) return false;
    }
    uint64_t rest = plan.new_namespaces & ~static_cast<uint64_t>(CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWCGROUP);
    if (rest && ::unshare(static_cast<int>(rest)) < 0) return f.set(errno, "unshare namespaces");
    if (plan.join_pid) {
        if (!join(*plan.join_pid, f)) return false;
    } else if ((plan.new_namespaces & CLONE_NEWPID) && ::unshare(CLONE_NEWPID) < 0) {
        return f.set(errno, "unshare pid namespace");
    }
    pid_t pid = os::clone_process(0);
    if (pid < 0) return f.set(errno, "fork container init");
    if (pid > 0) {
        sync_send(sync_fd, SyncType::init_pid, pid);
        ::_exit(0);
    }
    return true;
}

bool set_names(const InitPlan& plan, Failure& f) noexcept
{
    if (plan.hostname && ::sethostname(plan.hostname->data(), plan.hostname->size()) < 0)
        return f.set(errno, "sethostname %s", plan.hostname->c_str());
    if (plan.domainname && ::setdomainname(plan.domainname->data(), plan.domainname->size()) < 0)
        return f.set(errno, "setdomainname %s", plan.domainname->c_str());
    return true;
}

bool enter_cwd(const InitPlan& plan, Failure& f) noexcept
{
    const char* cwd = plan.cwd.empty() ? "/" : plan.cwd.c_str();
    if (::chdir(cwd) < 0) return f.set(errno, "chdir to cwd (\"%s\") set in config.json", cwd);
    // SECURITY.md #6: a cwd reached through a leaked fd lies outside the root; getcwd then
    // fails or returns a path that does not start with '/'.
    char buf[PATH_MAX];
    if (!::getcwd(buf, sizeof buf) || buf[0] != '/')
        return f.set(errno ? errno : EPERM, "cwd \"%s\" is outside the container root", cwd);
    return true;
}

bool enter_cgroup_namespace(const InitPlan& plan, Failure& f) noexcept
{
    if ((plan.new_namespaces & CLONE_NEWCGROUP) && ::unshare(CLONE_NEWCGROUP) < 0)
        return f.set(errno, "unshare cgroup namespace");
    return true;
}

bool wait_for_start(InitPlan& plan, Failure& f) noexcept
{
    // `run` has nothing to wait for: berth records the state while we exec, and learns of
    // the exec from the sync socket closing (close-on-exec) or of its failure from a message.
    if (!plan.exec_fifo) return true;
    char c;
    for (;;) {
        ssize_t n = ::read(plan.exec_fifo.get(), &c, 1);
        if (n == 1) return true;
        if (n < 0 && errno == EINTR) continue;
        return f.set(n < 0 ? errno : EPIPE, "wait on exec fifo");
    }
}

}  // namespace

void run_init(InitPlan& plan, int sync_fd) noexcept
{
    Failure f;
    // Until execve this process is berth's image; while it is not dumpable, processes already
    // in a namespace it joins cannot open it through /proc/<pid>/exe (SECURITY.md #1). The
    // kernel makes the container's program dumpable again at execve.
    if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) fail(sync_fd, (f.set(errno, "prctl PR_SET_DUMPABLE"), f));
    // Until berth has seen us ready, dying with it beats lingering half set up.
    if (!plan.two_stage) ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (plan.two_stage) {
        if (!two_stage(plan, sync_fd, f)) fail(sync_fd, f);
    } else {
        for (const auto& j : plan.joins)
            if (!join(j, f)) fail(sync_fd, f);
    }
    if (!wait_for(sync_fd, SyncType::go, f)) fail(sync_fd, f);
    if (!plan.two_stage && !become_userns_root(plan, f)) fail(sync_fd, f);
    // The cgroup namespace is made once we are in the container's cgroup, so that it becomes
    // the namespace's root; when that is already so, early enough for a cgroup2 mount to see it.
    if (plan.cgroup_at_clone && !enter_cgroup_namespace(plan, f)) fail(sync_fd, f);
    if (!plan.keyring_name.empty() &&
        ::syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, plan.keyring_name.c_str()) < 0 && errno != ENOSYS &&
        errno != EACCES)
        fail(sync_fd, (f.set(errno, "join session keyring"), f));
    if (!set_names(plan, f)) fail(sync_fd, f);
    ::umask(0);  // device nodes and mount targets get exactly the modes asked for
    if (!setup_rootfs(plan, f)) fail(sync_fd, f);
    if (!wait_for(sync_fd, SyncType::cgroup_ready, f)) fail(sync_fd, f);
    if (!plan.cgroup_at_clone && !enter_cgroup_namespace(plan, f)) fail(sync_fd, f);
    if (!os::apply_rlimits(plan.rlimits, f)) fail(sync_fd, f);
    if (plan.no_new_privileges && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        fail(sync_fd, (f.set(errno, "prctl PR_SET_NO_NEW_PRIVS"), f));
    if (!enter_cwd(plan, f)) fail(sync_fd, f);
    if (!os::apply_identity_and_caps(plan.identity, plan.caps, f)) fail(sync_fd, f);
    ::umask(plan.umask.value_or(022));
    char exe[PATH_MAX];
    if (!os::find_executable(plan.argv[0], plan.path_env.c_str(), exe, sizeof exe, f)) fail(sync_fd, f);
    if (!os::prepare_fds_for_exec(plan.preserve_fds, f)) fail(sync_fd, f);
    ::prctl(PR_SET_PDEATHSIG, 0);
    if (!sync_send(sync_fd, SyncType::ready)) ::_exit(1);
    if (!wait_for_start(plan, f)) fail(sync_fd, f);
    ::execve(exe, plan.argv.data(), plan.envp.data());
    f.set(errno, "exec %s", exe);
    if (plan.exec_fifo) {
        // After `create` returned nobody listens on the socket any more; stderr is all we have.
        // (`run` is still listening and reports it.)
        char line[sizeof f.msg + 64];
        int n = std::snprintf(line, sizeof line, "berth: %s: %s\n", f.msg, std::strerror(f.err));
        if (n > 0) (void)!::write(2, line, static_cast<size_t>(n));
    }
    fail(sync_fd, f);
}

}  // namespace berth::runtime
