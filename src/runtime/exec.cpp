#include "berth/runtime/exec.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include "berth/linux/syscalls.hpp"
#include "berth/runtime/container.hpp"
#include "berth/runtime/exec_init.hpp"
#include "berth/runtime/foreground.hpp"
#include "berth/runtime/handshake.hpp"
#include "berth/runtime/lsm_plan.hpp"
#include "berth/runtime/own_binary.hpp"
#include "berth/runtime/rootless.hpp"
#include "berth/runtime/rollback.hpp"
#include "berth/runtime/seccomp_listener.hpp"
#include "berth/runtime/seccomp_plan.hpp"
#include "berth/spec/parse.hpp"
#include "berth/state/files.hpp"
#include "berth/state/proc_info.hpp"
#include "berth/terminal/console_socket.hpp"
#include "berth/terminal/window_size.hpp"
#include "berth/util/file.hpp"

namespace berth::runtime {

namespace {

// The namespaces of the init that differ from berth's own. setns() through a pidfd joins a
// set of them at once, the user namespace first; joining one's own user namespace is an error.
int namespaces_of(pid_t init)
{
    static const std::pair<int, const char*> kinds[] = {
        {CLONE_NEWUSER, "user"}, {CLONE_NEWIPC, "ipc"}, {CLONE_NEWUTS, "uts"},       {CLONE_NEWNET, "net"},
        {CLONE_NEWPID, "pid"},   {CLONE_NEWNS, "mnt"},  {CLONE_NEWCGROUP, "cgroup"}, {CLONE_NEWTIME, "time"}};
    std::string base = "/proc/" + std::to_string(init) + "/ns/";
    int flags = 0;
    for (const auto& [flag, name] : kinds) {
        struct stat theirs, ours;
        if (::stat((base + name).c_str(), &theirs) < 0) {
            if (errno == ENOENT) continue;  // a kernel without this namespace type
            throw_errno("stat " + base + name);
        }
        if (::stat((std::string("/proc/self/ns/") + name).c_str(), &ours) < 0) throw_errno(std::string("stat /proc/self/ns/") + name);
        if (theirs.st_ino != ours.st_ino || theirs.st_dev != ours.st_dev) flags |= flag;
    }
    return flags;
}

// The clone and, in a pid namespace, the process it forked: killed unless commit() is called.
class ExecRollback {
public:
    ExecRollback() = default;
    ExecRollback(const ExecRollback&) = delete;
    ExecRollback& operator=(const ExecRollback&) = delete;
    ~ExecRollback()
    {
        if (!committed_) kill_unfinished(child_, process_);
    }
    void set_child(pid_t p) { child_ = process_ = p; }
    void set_process(pid_t p) { process_ = p; }
    void child_reaped() { child_ = 0; }
    void commit() { committed_ = true; }

private:
    pid_t child_ = 0;
    pid_t process_ = 0;
    bool committed_ = false;
};

void check_status(const Container& c, bool ignore_paused)
{
    using state::Status;
    switch (c.status()) {
    case Status::created:
    case Status::running: return;
    case Status::paused:
        if (ignore_paused) return;
        throw Error("cannot exec in a paused container (use --ignore-paused to override)");
    case Status::creating: throw Error("cannot exec in a container that is still being created");
    case Status::stopped: break;
    }
    throw Error("cannot exec in a stopped container");
}

struct Prepared {
    ProcessPlan plan;
    std::string listener_path, listener_metadata;
};

Prepared prepare(const Context& ctx, const ExecOptions& o, std::optional<SeccompFilter> filter, const ExecProcess& ep,
                 pid_t init)
{
    Prepared out;
    // HOME from the container's /etc/passwd, read inside the init's root.
    Fd root(::open(("/proc/" + std::to_string(init) + "/root").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    out.plan = build_process_plan(ep.process, ep.source, root.get(), o.preserve_fds, ctx.log);
    keep_groups_if_denied(out.plan.identity, setgroups_denied(init), ep.source.file + ": " + ep.source.path);
    const auto& p = ep.process;
    os::LsmSupport lsms;
    if (!p.apparmor_profile.empty() || !p.selinux_label.empty()) lsms = os::probe_lsms();
    out.plan.exec_label = plan_exec_label(p.apparmor_profile, p.selinux_label, ep.source.file + ": " + ep.source.path, lsms);
    if (filter) {
        out.listener_path = std::move(filter->listener_path);
        out.listener_metadata = std::move(filter->listener_metadata);
        out.plan.seccomp = plan_seccomp(std::move(*filter), out.plan);
    }
    return out;
}

}  // namespace

int exec_in_container(const Context& ctx, const ExecOptions& o)
{
    protect_own_binary(ctx, true);  // the process is berth's image inside a running container
    const Trace trace(ctx.log, "exec", o.id);
    pid_t pid = 0;
    Fd console_master;
    with_context("exec " + o.id, [&] {
        check_preserved_fds(o.preserve_fds);
        std::optional<std::string> file_text;
        if (!o.process_file.empty())
            file_text = with_context("--process", [&] { return read_regular_file(o.process_file, spec::max_config_size); });
        Container c = Container::open(ctx, o.id);
        check_status(c, o.ignore_paused);
        bool paused = c.status() == state::Status::paused;
        spec::Config config = c.config();
        // The container's seccomp profile holds for every process in it, as with runc.
        std::optional<SeccompFilter> filter;
        if (config.linux && config.linux->seccomp)
            filter = seccomp_filter(config.linux->seccomp->view(), path_join(ctx.store.root(), "~seccomp"), ctx.log);
        if (paused && filter && !filter->listener_path.empty())
            throw Error("cannot exec in a paused container with a seccomp listener: berth must hand it the process's fd");
        ExecProcess ep = exec_process(o, *config.process, file_text);
        terminal::check_console_request(ep.process.terminal, o.console_socket, o.detach);
        if (paused && ep.process.terminal)
            throw Error("cannot exec with a terminal in a paused container: berth must hand on the pty");
        // With a terminal, a console socket is connected before anything is made.
        terminal::ConsoleHandoff console;
        if (ep.process.terminal) console = terminal::ConsoleHandoff::for_terminal(o.console_socket);
        Fd init = c.init_pidfd();
        if (!init) throw Error("cannot exec in a stopped container");
        const pid_t init_pid = c.record().pid;
        Prepared prep = prepare(ctx, o, std::move(filter), ep, init_pid);
        ProcessPlan& plan = prep.plan;
        if (plan.terminal && !console.to_socket()) {
            // berth proxies this pty: it starts at the caller's size, then follows it.
            if (auto size = terminal::window_size_of(terminal::caller_terminal(STDIN_FILENO, STDOUT_FILENO))) {
                plan.terminal->rows = size->rows;
                plan.terminal->cols = size->cols;
            }
        }
        plan.finalize_pointers();

        ExecJoin join;
        join.init_pidfd = init.get();
        int all = namespaces_of(init_pid);
        // A container without a mount namespace of its own (private_rootfs.hpp) is entered by a
        // chroot into its init's root, also when this exec runs in another mount namespace (whose
        // root setns would give). Opened before the start time check below, like the namespaces.
        Fd init_root;
        if (!(all & CLONE_NEWNS) || c.dir().read_file(state::rootfs_mount_file)) {
            init_root = open_or_throw("/proc/" + std::to_string(init_pid) + "/root", O_PATH | O_DIRECTORY);
            join.root_fd = init_root.get();
        }
        // The pid may have been reused while the links were read: the start time says.
        if (!state::init_alive(c.record(), state::read_proc_info(init_pid))) throw Error("cannot exec in a stopped container");
        join.late_flags = all & (CLONE_NEWNS | CLONE_NEWCGROUP);
        join.early_flags = all & ~join.late_flags;
        join.fork = all & (CLONE_NEWPID | CLONE_NEWTIME);
        trace([&] {
            char hex[16];
            std::snprintf(hex, sizeof hex, "%#x", static_cast<unsigned>(all));
            return "init " + std::to_string(init_pid) + ", joins its namespaces " + hex + " (clone flags)" +
                   (join.fork ? " (forks into its pid namespace)" : "") + (paused ? ", container paused" : "");
        });

        cgroups::Manager* cg = c.cgroup();
        // The process joins the container's cgroup by itself (cgroups::SelfJoin): born in the
        // unified hierarchy's, moving itself into the v1 ones after cgroup_ready. Not while the
        // container is paused: a frozen intermediate would never report the process it forks,
        // and berth writes the pid of a process that will wait frozen.
        auto self_join = open_self_join(cg && !paused ? cg->self_join() : std::nullopt, all & CLONE_NEWUSER);
        Fd cgroup_dir;
        if (self_join) {
            cgroup_dir = std::move(self_join->clone_into);
            join.cgroup_tasks = &self_join->tasks;
        }

        int sv[2];
        if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) throw_errno("socketpair");
        Fd parent_end(sv[0]), child_end(sv[1]);
        if (!o.detach) {
            // The process outlives the intermediate; as its subreaper berth can wait for it.
            if (join.fork && ::prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) throw_errno("become subreaper");
            sigset_t set = forwarded_signals();
            ::sigprocmask(SIG_BLOCK, &set, nullptr);
        }
        ExecRollback rollback;
        pid_t child = os::clone_process(0, cgroup_dir.get());
        if (child < 0) throw_errno("clone");
        if (child == 0) {
            parent_end.reset();
            ::close(c.dir().dirfd());  // the state dir's lock: this copy is never destroyed
            sigset_t none;
            ::sigemptyset(&none);
            ::sigprocmask(SIG_SETMASK, &none, nullptr);
            run_exec_init(join, plan, child_end.get());
        }
        rollback.set_child(child);
        child_end.reset();
        if (plan.cpus_initial && ::sched_setaffinity(child, sizeof(cpu_set_t), &*plan.cpus_initial) < 0)
            throw_errno("set the initial CPU affinity (execCPUAffinity.initial)");
        pid = child;
        if (join.fork) {
            pid = expect(parent_end.get(), "joining the container's namespaces", trace).pid;
            rollback.set_process(pid);
            ::waitpid(child, nullptr, 0);
            rollback.child_reaped();
        }
        if (cg && !self_join) cg->add_process(pid);
        if (ep.process.oom_score_adj)
            with_context("set oom_score_adj", [&] {
                write_file("/proc/" + std::to_string(pid) + "/oom_score_adj", std::to_string(*ep.process.oom_score_adj));
            });
        if (!sync_send(parent_end.get(), SyncType::cgroup_ready, paused ? exec_unattended : 0)) {
            SyncMsg last;
            if (sync_recv(parent_end.get(), last) > 0 && last.type == SyncType::error) throw failure_error(last.failure);
            throw_errno("signal the process");
        }
        if (paused) {
            // Frozen with its cgroup until `resume`: it goes on from there.
            trace([&] { return "process " + std::to_string(pid) + " waits in the paused container"; });
        } else {
            Fd notify_fd;
            SyncMsg m = expect(parent_end.get(), "setting up the process", trace, &notify_fd);
            if (m.type == SyncType::console) {
                if (!notify_fd || !console.expects_master()) throw Error("the process sent an unexpected pty master");
                console.deliver(std::move(notify_fd));
                m = expect(parent_end.get(), "setting up the process", trace, &notify_fd);
            }
            if (console.expects_master() && !console.delivered()) throw Error("the process sent no pty master");
            if (m.type == SyncType::seccomp_fd) {
                if (!notify_fd) throw Error("the process sent no seccomp notify fd");
                ContainerProcessState st{o.id, pid, c.record().bundle, c.record().annotations, prep.listener_metadata,
                                         std::string(state::to_string(c.status()))};
                send_to_seccomp_listener(prep.listener_path, container_process_state_json(st), notify_fd.get());
                notify_fd.reset();
                send_or_report(parent_end.get(), SyncType::go, trace);
                m = expect(parent_end.get(), "setting up the process", trace);
            }
            if (m.type != SyncType::ready) throw Error("the process sent an unexpected message");
            // EOF: execve succeeded (the socket is close-on-exec); a message: it failed.
            SyncMsg last;
            if (sync_recv(parent_end.get(), last) > 0 && last.type == SyncType::error) throw failure_error(last.failure);
            trace([&] { return "process " + std::to_string(pid) + " exec'd " + plan.args.front(); });
        }
        if (!o.pid_file.empty())
            with_context("write pid file " + o.pid_file, [&] { write_file_atomic(o.pid_file, std::to_string(pid)); });
        rollback.commit();
        console_master = console.take_kept_master();
    });
    if (o.detach) return 0;
    return wait_foreground(pid, std::move(console_master));
}

}  // namespace berth::runtime
