// The init's side of the handshake (sync.hpp), in order: namespaces, setsid, bind sources, go,
// user-namespace root, sysctls, cgroup namespace, keyring, names, mounts (joining the network
// namespace berth made, when it made one), cgroup_ready, the v1 cgroup join, [hooks pause],
// createContainer hooks, pivot_root, process step.
#include "berth/runtime/container_init.hpp"

#include <fcntl.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "berth/linux/process_setup.hpp"
#include "berth/linux/syscalls.hpp"
#include "berth/linux/sysctl.hpp"
#include "berth/runtime/hook_exec.hpp"
#include "berth/runtime/network_gate.hpp"
#include "berth/runtime/rootfs_setup.hpp"
#include "berth/runtime/sync.hpp"

extern char** environ;

namespace berth::runtime {

namespace {

bool join(const NamespaceJoin& j, Failure& f) noexcept
{
    if (::setns(j.fd.get(), j.nstype) < 0) return f.set(errno, "join namespace %s", j.path.c_str());
    return true;
}

// In a user namespace berth created (once the parent has written the id maps) or joined:
// until then our host ids are unmapped there and every file we create fails with EOVERFLOW.
bool become_userns_root(const ContainerPlan& plan, Failure& f) noexcept
{
    if (!plan.in_user_namespace()) return true;
    if (::setresgid(0, 0, 0) < 0) return f.set(errno, "setgid 0 in the user namespace (is gid 0 mapped?)");
    if (::setresuid(0, 0, 0) < 0) return f.set(errno, "setuid 0 in the user namespace (is uid 0 mapped?)");
    return true;
}

// The new time namespace is the one for our children until the init's fork: its offsets go in
// then. The file is opened first, with berth's own credentials: /proc/self belongs to host
// root once we are root in a new user namespace (not dumpable), and the kernel checks
// CAP_SYS_TIME against the opener's credentials, which host root has over every namespace.
bool write_time_offsets(int fd, const std::string& text, Failure& f) noexcept
{
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0) return f.set(errno, "write linux.timeOffsets to /proc/self/timens_offsets");
    if (static_cast<size_t>(n) != text.size()) return f.set(EIO, "short write of linux.timeOffsets");
    return true;
}

// Stage one of a two-stage start (handshake steps 1-3): join namespaces by path first, then
// create the new ones (owned by the joined user namespace), and fork the init into the pid
// namespace. Returns only in the init; the intermediate process exits here.
bool two_stage(const ContainerPlan& plan, int sync_fd, Failure& f) noexcept
{
    Fd time_offsets;
    if (!plan.time_offsets.empty()) {
        time_offsets.reset(::open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC));
        if (!time_offsets) return f.set(errno, "open /proc/self/timens_offsets");
    }
    for (const auto& j : plan.joins)
        if (!join(j, f)) return false;
    if (plan.join_user && (!join(*plan.join_user, f) || !become_userns_root(plan, f))) return false;
    if (plan.new_namespaces & CLONE_NEWUSER) {
        if (::unshare(CLONE_NEWUSER) < 0) return f.set(errno, "unshare user namespace");
        if (!sync_send(sync_fd, SyncType::userns_ready)) return f.set(errno, "notify berth");
        if (!sync_wait_for(sync_fd, SyncType::go, f)) return false;
        if (!become_userns_root(plan, f)) return false;
    }
    uint64_t rest = plan.new_namespaces & ~static_cast<uint64_t>(CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWCGROUP);
    if (rest && ::unshare(static_cast<int>(rest)) < 0) return f.set(errno, "unshare namespaces");
    if (time_offsets && !write_time_offsets(time_offsets.get(), plan.time_offsets, f)) return false;
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

bool enter_namespaces(const ContainerPlan& plan, int sync_fd, Failure& f) noexcept
{
    if (plan.two_stage) return two_stage(plan, sync_fd, f);
    // One-stage: clone made the new namespaces; only joins are left.
    for (const auto& j : plan.joins)
        if (!join(j, f)) return false;
    return true;
}

bool set_names(const ContainerPlan& plan, Failure& f) noexcept
{
    if (plan.hostname && ::sethostname(plan.hostname->data(), plan.hostname->size()) < 0)
        return f.set(errno, "sethostname %s", plan.hostname->c_str());
    if (plan.domainname && ::setdomainname(plan.domainname->data(), plan.domainname->size()) < 0)
        return f.set(errno, "setdomainname %s", plan.domainname->c_str());
    return true;
}

bool join_keyring(const ContainerPlan& plan, Failure& f) noexcept
{
    if (plan.keyring_name.empty()) return true;
    if (::syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, plan.keyring_name.c_str()) < 0 && errno != ENOSYS &&
        errno != EACCES)
        return f.set(errno, "join session keyring");
    return true;
}

bool enter_cgroup_namespace(const ContainerPlan& plan, Failure& f) noexcept
{
    if ((plan.new_namespaces & CLONE_NEWCGROUP) && ::unshare(CLONE_NEWCGROUP) < 0)
        return f.set(errno, "unshare cgroup namespace");
    return true;
}

// Handshake steps 3a-4: the bind sources berth opened for us (in a user namespace), then go.
bool receive_mount_sources(ContainerPlan& plan, int sync_fd, Failure& f) noexcept
{
    for (;;) {
        SyncMsg m;
        Fd fd;
        int r = sync_recv(sync_fd, m, &fd);
        if (r <= 0) return f.set(r < 0 ? errno : EPIPE, "waiting for berth");
        if (m.type == SyncType::go) return true;
        auto i = static_cast<size_t>(m.pid);
        if (m.type != SyncType::mount_source || m.pid < 0 || i >= plan.mounts.size() || !fd)
            return f.set(EPROTO, "unexpected message %u from berth", static_cast<unsigned>(m.type));
        plan.mounts[i].source_fd = fd.release();
    }
}

void close_mount_sources(ContainerPlan& plan) noexcept
{
    for (auto& m : plan.mounts)
        if (m.source_fd >= 0) {
            ::close(m.source_fd);
            m.source_fd = -1;
        }
}

bool sets_network_sysctls(const ContainerPlan& plan) noexcept
{
    for (const auto& s : plan.sysctls)
        if (s.path.compare(0, 4, "net/") == 0) return true;
    return false;
}

// Handshake steps 6-7: berth runs the createRuntime hooks while we wait.
bool pause_for_hooks(const ContainerPlan& plan, int sync_fd, Failure& f) noexcept
{
    if (!plan.pause_before_pivot) return true;
    if (!sync_send(sync_fd, SyncType::hooks)) return f.set(errno, "notify berth");
    return sync_wait_for(sync_fd, SyncType::resume, f);
}

// Everything between the namespaces and the process step; false with f set on failure.
// `label_attr` gets the exec label's attr file when the process has a label.
bool container_step(ContainerPlan& plan, const ProcessPlan& process, int sync_fd, Fd& label_attr,
                    bool& bounding_dropped, Failure& f) noexcept
{
    if (!enter_namespaces(plan, sync_fd, f)) return false;
    // Now the init is the task that will exec (a two-stage start forked it), and /proc is still
    // the host's: the attr file cannot be one the container's mounts provide.
    if (process.exec_label) {
        label_attr.reset(os::open_exec_label_attr(process.exec_label->lsm, f));
        if (!label_attr) return false;
    }
    // A session of its own, so the init has no controlling terminal: not even the one berth
    // was started from, which the container would otherwise share (its signals, its job
    // control). A terminal of the container's own (process.terminal) comes later, as runc's.
    if (::setsid() < 0) return f.set(errno, "setsid");
    if (!plan.go_deferred && !receive_mount_sources(plan, sync_fd, f)) return false;
    // Our id maps are written (handshake step 4's go): a user's berth could not open
    // /proc/<pid>/uid_map of a process that is not dumpable (run_container_init).
    if (plan.dumpable_until_mapped && ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        return f.set(errno, "prctl PR_SET_DUMPABLE");
    if (!plan.two_stage && !become_userns_root(plan, f)) return false;
    // In the container's namespaces, with the host's /proc still the only other procfs in our
    // mount namespace (a user namespace may mount procfs only while a full one is visible) and
    // nothing of the image touched yet.
    NetworkGate network(plan, sync_fd);
    if (sets_network_sysctls(plan) && !network.enter(f)) return false;
    if (!os::apply_sysctls(plan.sysctls, f)) return false;
    // The cgroup namespace is made once we are in the container's cgroup, so that it becomes
    // the namespace's root; when that is already so, early enough for a cgroup2 mount to see it.
    if (plan.cgroup_at_clone && !enter_cgroup_namespace(plan, f)) return false;
    if (!join_keyring(plan, f) || !set_names(plan, f)) return false;
    ::umask(0);  // device nodes and mount targets get exactly the modes asked for
    // The mounts may wait for berth's network namespace before sysfs (the init runs beside
    // berth): the bounding set, dropped now rather than before the process, is work off the
    // path after that wait, as the early steps are (plan_early_steps). Nothing we run before
    // the process sees the difference, unless createContainer hooks (ours to exec); our own
    // steps need effective capabilities, which the bounding set does not touch. Only with the
    // gate: then there is no user namespace, entering which would give a full set back.
    if (network.pending() && plan.create_container_hooks.empty()) {
        if (!os::drop_bounding(process.caps, f)) return false;
        bounding_dropped = true;
    }
    Fd root;
    if (!mount_rootfs(plan, root, network, f) || !network.enter(f)) return false;
    close_mount_sources(plan);
    // (go first, unless the gate took it.) Berth's state write ends about now.
    if (!sync_wait_for_berth(sync_fd, SyncType::cgroup_ready, plan.go_deferred, plan.placement, f)) return false;
    if (!join_cgroup_itself(plan.cgroup_tasks, f)) return false;
    // The work beside berth's is done; hooks and the process see the mask we were born with.
    plan.placement.restore();
    if (!plan.cgroup_at_clone && !enter_cgroup_namespace(plan, f)) return false;
    if (!pause_for_hooks(plan, sync_fd, f)) return false;
    // createContainer hooks: in the container's namespaces, and before pivot_root, so that their
    // path resolves in berth's tree, as the runtime-spec says. The pid they get is ours as the
    // container's pid namespace sees it, as runc sends.
    if (!run_hooks(plan.create_container_hooks, ::getpid(), environ, f)) return false;
    return enter_rootfs(plan, root.get(), f);
}

}  // namespace

void run_container_init(ContainerPlan& container, const ProcessPlan& process, const StartGate& gate) noexcept
{
    Failure f;
    os::close_fds(container.inherited_fds);
    // Until execve this process is berth's image; while it is not dumpable, processes already
    // in a namespace it joins cannot open it through /proc/<pid>/exe (SECURITY.md #1). The
    // kernel makes the container's program dumpable again at execve.
    // Rootless, berth writes our id maps as the user, which the kernel allows only while we are
    // dumpable: then not before step 4 (nothing of the container's is there yet, and the
    // binary is not the user's to write; own_binary.cpp).
    if (!container.dumpable_until_mapped && ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        fail_child(gate.sync_fd, (f.set(errno, "prctl PR_SET_DUMPABLE"), f));
    // Until berth has seen us ready, dying with it beats lingering half set up.
    if (!container.two_stage) ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    Fd label_attr;
    bool bounding_dropped = false;
    if (!container_step(container, process, gate.sync_fd, label_attr, bounding_dropped, f)) fail_child(gate.sync_fd, f);
    StartGate g = gate;
    g.label_attr_fd = label_attr.get();
    g.bounding_dropped = bounding_dropped;
    g.start_hooks = &container.start_container_hooks;
    finish_process(process, g);
}

}  // namespace berth::runtime
