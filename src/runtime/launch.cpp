#include "berth/runtime/launch.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>

#include "berth/cgroups/manager.hpp"
#include "berth/linux/id_maps.hpp"
#include "berth/linux/netdev.hpp"
#include "berth/linux/network_namespace.hpp"
#include "berth/linux/process_setup.hpp"
#include "berth/linux/self_exe.hpp"
#include "berth/linux/syscalls.hpp"
#include "berth/runtime/cgroup_claim.hpp"
#include "berth/runtime/container.hpp"
#include "berth/runtime/container_init.hpp"
#include "berth/runtime/container_plan.hpp"
#include "berth/runtime/foreground.hpp"
#include "berth/runtime/handshake.hpp"
#include "berth/runtime/mount_sources.hpp"
#include "berth/runtime/own_binary.hpp"
#include "berth/runtime/rollback.hpp"
#include "berth/runtime/rootless.hpp"
#include "berth/runtime/hooks.hpp"
#include "berth/runtime/seccomp_listener.hpp"
#include "berth/runtime/supported.hpp"
#include "berth/runtime/sync.hpp"
#include "berth/spec/parse.hpp"
#include "berth/spec/resources_fields.hpp"
#include "berth/spec/version.hpp"
#include "berth/state/files.hpp"
#include "berth/state/proc_info.hpp"
#include "berth/state/record.hpp"
#include "berth/terminal/console_socket.hpp"
#include "berth/terminal/window_size.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"
#include "berth/util/words.hpp"

namespace berth::runtime {

namespace {

std::string absolute(const std::string& path)
{
    char buf[PATH_MAX];
    if (!::realpath(path.c_str(), buf)) throw_errno("bundle " + path);
    return buf;
}

// LISTEN_FDS in berth's environment (systemd socket activation) when it is for this process
// (LISTEN_PID is berth's pid, as sd_listen_fds wants): how many fds from 3 on to pass on.
int socket_activation_fds()
{
    const char* n = std::getenv("LISTEN_FDS");
    const char* pid = std::getenv("LISTEN_PID");
    if (!n || !*n || !pid || std::string(pid) != std::to_string(::getpid())) return 0;
    char* end = nullptr;
    long v = std::strtol(n, &end, 10);
    if (*end || v < 0 || v > 1024) throw Error(std::string("LISTEN_FDS=") + n + ": expected a number of fds");
    return static_cast<int>(v);
}

// KEY=VALUE replaces KEY's entry or is added.
void set_env_entry(std::vector<std::string>& env, const std::string& entry)
{
    std::string_view key(entry.data(), entry.find('=') + 1);
    for (auto& e : env)
        if (e.starts_with(key)) {
            e = entry;
            return;
        }
    env.push_back(entry);
}

// "mount network pid" for CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID.
std::string namespace_names(uint64_t flags)
{
    static const std::pair<uint64_t, const char*> names[] = {
        {CLONE_NEWCGROUP, "cgroup"}, {CLONE_NEWIPC, "ipc"}, {CLONE_NEWNS, "mount"}, {CLONE_NEWNET, "network"},
        {CLONE_NEWPID, "pid"},       {CLONE_NEWTIME, "time"}, {CLONE_NEWUSER, "user"}, {CLONE_NEWUTS, "uts"}};
    std::vector<std::string> out;
    for (const auto& [flag, name] : names)
        if (flags & flag) out.emplace_back(name);
    return out.empty() ? "none" : joined(out);
}

std::string describe_namespaces(const ContainerPlan& cp)
{
    std::string out = "namespaces: new " + namespace_names(cp.new_namespaces) + "; join";
    std::vector<std::string> joins;
    auto add = [&](const NamespaceJoin& j) {
        joins.push_back(namespace_names(static_cast<uint64_t>(j.nstype)) + " " + j.path);
    };
    if (cp.join_user) add(*cp.join_user);
    if (cp.join_pid) add(*cp.join_pid);
    for (const auto& j : cp.joins) add(j);
    out += joins.empty() ? " none" : " " + joined(joins);
    return out;
}

void write_id_maps(pid_t pid, const ParentPlan& plan, const Trace& trace)
{
    os::write_id_maps(pid, plan.uid_map, plan.gid_map, plan.map_writer);
    trace([&] {
        auto one_line = [](std::string m) {
            while (!m.empty() && m.back() == '\n') m.pop_back();
            for (char& c : m)
                if (c == '\n') c = ',';
            return m;
        };
        return "id maps of " + std::to_string(pid) + " written: uid_map " + one_line(plan.uid_map) + "; gid_map " +
               one_line(plan.gid_map);
    });
}

// Whether anything outside berth takes part in the container's start: a hook (those up to
// startContainer may look at it before its process starts; a poststop hook is read back from
// the kept config by a `delete -f` after berth died), or a seccomp agent (handed the notify fd
// before "ready").
bool has_outside_parties(const spec::Config& config, const ParentPlan& parent)
{
    if (!parent.seccomp_listener_path.empty()) return true;
    for (HookKind k : hook_kinds)
        if (!hooks_of(config.hooks, k).empty()) return true;
    return false;
}

struct Launched {
    state::Record record;
    Fd sync;
    pid_t init = 0;
    Fd console_master;  // kept for a foreground run's proxy (no console socket)
    // A run without outside parties: its record says running already, and run_container keeps
    // its config while the process execs.
    bool unobserved_run = false;
};

struct Bundle {
    std::string dir;          // absolute
    std::shared_ptr<const std::string> config_text;  // kept in the state dir as read (and shared with config)
    spec::Config config;
};

// A container in berth's own mount namespace builds its rootfs beneath a private copy of it
// (private_rootfs.hpp). Recorded before it is attached: whenever berth dies, `delete` finds it.
void mount_private_rootfs(const std::string& rootfs, state::ContainerDir& dir, Rollback& rollback, const Trace& trace)
{
    os::RootfsMount m{.id = {}, .rootfs = rootfs};
    os::DetachedRootfs copy = os::clone_private_rootfs(rootfs);
    m.id = copy.id;
    dir.write_file(state::rootfs_mount_file, m.to_text());
    rollback.own_rootfs_mount(m);
    os::attach_rootfs(copy, rootfs);
    trace([&] { return "no mount namespace of its own: the container's mounts go beneath a private copy of " + rootfs; });
}

// The create path shared by create and run: plan, spawn, and berth's side of the handshake
// (sync.hpp). Returns with the init blocked before execve.
Launched launch(const Context& ctx, const CreateOptions& opts, bool for_run, state::ContainerDir& dir,
                Rollback& rollback, const Bundle& b)
{
    const spec::Config& config = b.config;
    const std::string& bundle = b.dir;
    const Trace trace(ctx.log, for_run ? "run" : "create", opts.id);
    // Socket activation, as runc: the fds systemd passed berth go to the process first.
    const int listen_fds = socket_activation_fds();
    check_preserved_fds(listen_fds + opts.preserve_fds);
    // With a terminal, a console socket is connected before anything is created.
    terminal::ConsoleHandoff console;
    if (config.process->terminal) console = terminal::ConsoleHandoff::for_terminal(opts.console_socket);
    std::string rootfs = config.root.path.front() == '/' ? config.root.path : path_join(bundle, config.root.path);
    rootfs = with_context("rootfs", [&] { return absolute(rootfs); });
    trace([&] { return "config loaded: bundle " + bundle + ", rootfs " + rootfs; });

    auto& cg = set_up_cgroup(ctx, opts.id, config, dir, rollback, trace);
    const bool cgroups_off = cg.hierarchies().empty();

    PlanInputs in;
    in.id = opts.id;
    in.bundle = bundle;
    in.rootfs = rootfs;
    in.no_pivot = opts.no_pivot;
    in.no_new_keyring = opts.no_new_keyring;
    in.preserve_fds = listen_fds + opts.preserve_fds;
    in.cgroup_mode = cg.mode();
    in.hierarchies = cg.hierarchies();
    in.seccomp_cache_dir = path_join(ctx.store.root(), "~seccomp");  // "~": never a container id
    Plan plan = build_plan(config, in, ctx.log);
    if (listen_fds > 0) {
        set_env_entry(plan.process.env, "LISTEN_FDS=" + std::to_string(listen_fds));
        set_env_entry(plan.process.env, "LISTEN_PID=1");
    }
    ContainerPlan& cp = plan.container;
    cp.rootless = is_rootless(ctx);
    cp.dumpable_until_mapped = ::geteuid() != 0 && (cp.new_namespaces & CLONE_NEWUSER);
    if (::geteuid() != 0 && !cp.in_user_namespace())
        throw Error("config.json: .linux.namespaces: berth runs as an unprivileged user, so the container needs a user "
                    "namespace (`berth spec --rootless` makes a config with one)");
    if (cp.new_namespaces & CLONE_NEWUSER) {
        // Root (on the host, or of the user namespace berth runs in) writes any map; a user
        // only its own ids (setgroups then denied), or ranges through newuidmap/newgidmap.
        plan.parent.map_writer =
            os::map_writer(plan.parent.uid_map, plan.parent.gid_map, ::geteuid(), ::getegid(), ::geteuid() == 0);
        keep_groups_if_denied(plan.process.identity, plan.parent.map_writer == os::MapWriter::own_id,
                              "config.json: .process");
    }
    trace([&] { return describe_namespaces(cp); });
    if (plan.process.terminal && !console.to_socket()) {
        // berth proxies this pty: it starts at the caller's size (the proxy follows it from
        // there), so the process never sees consoleSize first.
        if (auto size = terminal::window_size_of(terminal::caller_terminal(STDIN_FILENO, STDOUT_FILENO))) {
            plan.process.terminal->rows = size->rows;
            plan.process.terminal->cols = size->cols;
        }
    }
    plan.finalize_pointers();
    Fd exec_fifo;
    if (!for_run) {
        if (::mkfifoat(dir.dirfd(), state::exec_fifo_file, 0600) < 0) throw_errno("create exec fifo");
        // Read-write, so the init's read blocks until `start` writes instead of seeing EOF.
        exec_fifo = openat_or_throw(dir.dirfd(), state::exec_fifo_file, O_RDWR);
    }

    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) throw_errno("socketpair");
    Fd parent_end(sv[0]), child_end(sv[1]);
    if (for_run && cp.two_stage && ::prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) throw_errno("become subreaper");

    // The init joins its cgroup without berth writing its pid (cgroups::SelfJoin): born in the
    // unified hierarchy's (the intermediate's fork inherits it), and moving itself into the v1
    // ones after cgroup_ready.
    auto self_join =
        open_self_join(cg.created_with_init() ? std::nullopt : cg.self_join(), cp.in_user_namespace());
    Fd cgroup_dir;
    if (self_join) {
        cgroup_dir = std::move(self_join->clone_into);
        cp.cgroup_tasks = std::move(self_join->tasks);
    }
    cp.cgroup_at_clone = in.hierarchies.empty() || (cgroup_dir && cp.cgroup_tasks.empty());
    // A new network namespace is berth's to make once the init is cloned, while the init mounts
    // (network_namespace.hpp), when berth can: then not the clone's.
    std::optional<os::NetworkNamespaceMaker> network_maker;
    if (cp.network_aside_possible()) network_maker = os::NetworkNamespaceMaker::for_this_process();
    cp.network_aside = network_maker.has_value();
    if (cp.network_aside) cp.early = plan_early_steps(cp);
    uint64_t clone_flags = cp.two_stage ? 0 : (cp.new_namespaces & ~static_cast<uint64_t>(CLONE_NEWCGROUP));
    if (cp.network_aside) clone_flags &= ~static_cast<uint64_t>(CLONE_NEWNET);
    if (cp.shares_mount_ns) mount_private_rootfs(rootfs, dir, rollback, trace);
    // Only an init that waits for `start` needs them closed early: run's execs at once, and the
    // process never gets them (prepare_fds_for_exec). /proc/self/fd cost ~50 us per run.
    if (!for_run) cp.inherited_fds = os::inherited_fds(3 + in.preserve_fds);
    const bool idmapped = std::any_of(cp.mounts.begin(), cp.mounts.end(), [](const auto& m) { return m.source_is_mount; });
    cp.go_deferred = !cp.two_stage && !cp.in_user_namespace() && !(cp.new_namespaces & CLONE_NEWUSER) &&
                     !cg.created_with_init() && !plan.process.cpus_initial && !idmapped;
    // A one-stage init works beside berth from the start (cpu_placement.hpp). Not when the
    // config says where it runs (execCPUAffinity.initial), nor through an intermediate, whose
    // fork would inherit the mask.
    if (!cp.two_stage && !plan.process.cpus_initial) cp.placement = os::CpuPlacement::away_from_caller();
    pid_t pid = os::clone_process(clone_flags, cgroup_dir.get());
    if (pid < 0) throw_errno("clone container init");
    if (pid == 0) {
        // The container init. Berth's ends of things are closed here; above all the state dir
        // lock, which would otherwise be held until exec and block `berth start`.
        parent_end.reset();
        ::close(dir.dirfd());  // the lock's fd; this copy of ContainerDir is never destroyed
        network_maker.reset();  // holds berth's own network namespace
        sigset_t none;
        ::sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        run_container_init(cp, plan.process, StartGate{child_end.get(), exec_fifo.get()});
    }
    rollback.set_child(pid);
    cp.placement.apply(pid);  // before go: until then the init only waits for it
    // execCPUAffinity.initial: before the init (or the intermediate it forks from) joins the
    // container's cgroup on v1; on v2 it was born there.
    if (plan.process.cpus_initial && ::sched_setaffinity(pid, sizeof(cpu_set_t), &*plan.process.cpus_initial) < 0)
        throw_errno("set the initial CPU affinity (execCPUAffinity.initial)");
    child_end.reset();

    pid_t init = pid;
    trace([&] {
        return "cloned " + std::to_string(pid) +
               (cp.two_stage ? " (two-stage: the intermediate, which forks the init)" : " (the init)") + ", " +
               std::to_string(cp.mounts.size()) + " mounts";
    });
    // Handshake steps 1-3 (two-stage only), then 4 and 5.
    if (cp.two_stage) {
        for (;;) {
            SyncMsg m = expect(parent_end.get(), "joining namespaces", trace);
            if (m.type == SyncType::userns_ready) {
                write_id_maps(pid, plan.parent, trace);
                send_or_report(parent_end.get(), SyncType::go, trace);
            } else if (m.type == SyncType::init_pid) {
                init = m.pid;
                rollback.set_init(init);
                break;
            }
        }
        ::waitpid(pid, nullptr, 0);
        rollback.child_reaped();
    } else if (cp.new_namespaces & CLONE_NEWUSER) {
        write_id_maps(pid, plan.parent, trace);
    }
    // Device rules and limits. The systemd driver's scope is made with the init in it, before
    // the init may go on (a scope needs a process; v1 device rules then pass through a moment
    // of deny-all, which must not meet the init's mknods). Otherwise while the init sets up
    // (it runs only berth's code until it has cgroup_ready). On v1 they go in before the init
    // joins the cgroup: writing them passes through a moment of deny-all that would refuse
    // its mknods; v2's program is attached in one step. The default rules allow mknod, so
    // berth's /dev setup is never refused.
    auto apply_limits = [&] {
        if (cgroups_off) return;
        with_context("cgroup", [&] { cg.apply_devices(device_rules(config)); });
        trace([] { return std::string("cgroup: device rules applied"); });
        // Limits likewise before the init joins (v1) or is told to go on (v2, born in the
        // cgroup): nothing of the container runs unlimited.
        if (config.linux && config.linux->resources) {
            auto warnings = with_context("cgroup", [&] { return cg.apply_resources(*config.linux->resources); });
            for (const auto& w : warnings) ctx.log.warn(w);
            trace([] { return std::string("cgroup: resource limits applied"); });
        }
    };
    const bool with_init = cg.created_with_init();
    if (with_init) {
        with_context("cgroup", [&] { cg.create_with_init(init); });
        trace([&] { return "init " + std::to_string(init) + " placed in " + cg.describe(); });
        apply_limits();
    }
    send_mount_sources(parent_end.get(), init, cp, trace);
    send_or_report(parent_end.get(), SyncType::go, trace);
    Fd netns;  // the container's, when berth made it (step 4a)
    if (network_maker) {
        netns = network_maker->make();
        send_or_report(parent_end.get(), SyncType::network_ns, trace, netns.get());
    }
    if (!with_init) apply_limits();
    if (!cp.cgroup_at_clone && !with_init && !self_join) {
        cg.add_process(init);
        trace([&] { return "init " + std::to_string(init) + " added to its cgroup"; });
    }
    if (!plan.parent.net_devices.empty()) {
        // The init is in its network namespace by now (also after a two-stage start), or berth
        // made it and holds it.
        if (!netns) netns = open_or_throw("/proc/" + std::to_string(init) + "/ns/net", O_RDONLY);
        for (const auto& [host, name] : plan.parent.net_devices) os::move_netdev(host, name, netns.get());
        trace([&] { return "moved " + std::to_string(plan.parent.net_devices.size()) + " network devices into the container"; });
    }
    if (plan.parent.oom_score_adj) {
        try {
            write_file("/proc/" + std::to_string(init) + "/oom_score_adj", std::to_string(*plan.parent.oom_score_adj));
        } catch (const Error& e) {
            // Lowering it takes CAP_SYS_RESOURCE, which a rootless berth lacks; runc warns too.
            if ((e.code() != EACCES && e.code() != EPERM) || !is_rootless(ctx))
                throw Error("set oom_score_adj: " + std::string(e.what()), e.code());
            ctx.log.warn("rootless: .process.oomScoreAdj " + std::to_string(*plan.parent.oom_score_adj) +
                         " not applied: " + e.what());
        }
    }
    // The record before the init may go past its mounts: from here on, whenever berth dies,
    // `delete -f` finds the init by state.json (and before this, the init gets EOF on the
    // handshake and exits). Written while the init is still busy with its mounts.
    Launched out;
    auto& rec = out.record;
    rec.oci_version = std::string(spec::oci_version);
    rec.id = opts.id;
    // A run without hooks or a seccomp agent is "running" from its first record, written once,
    // and keeps its config while the process execs (run_container). Otherwise it shows
    // "created" until then, as after `create`, and keeps its config as early as `create` does.
    // Nothing else tells the two apart in this window (kill, exec, pause and delete treat them
    // alike), and each write is a new file: on a filesystem that allocates inodes slowly
    // (~0.2 ms each here), the second record and the config outlasted the init's last steps
    // and delayed "ready".
    out.unobserved_run = for_run && !has_outside_parties(config, plan.parent);
    rec.status = out.unobserved_run ? state::Status::running : state::Status::created;
    rec.pid = init;
    rec.bundle = bundle;
    rec.rootfs = rootfs;
    rec.created = state::now_rfc3339();
    rec.annotations = config.annotations;
    rec.init_start_time = state::read_proc_info(init).start_time;
    rec.own_pid_namespace = (cp.new_namespaces & CLONE_NEWPID) != 0;
    rec.cgroup = cg.to_json();
    dir.write(rec);
    trace([&] {
        return "state written: " + std::string(state::to_string(rec.status)) + ", pid " + std::to_string(init) + ", " +
               path_join(dir.path(), state::state_file);
    });
    send_or_report(parent_end.get(), SyncType::cgroup_ready, trace);
    // While the init enters its rootfs: keep the config with the container (exec, update,
    // events and hooks read it later, whatever happens to the bundle).
    if (!out.unobserved_run) {
        dir.write_config(*b.config_text);
        trace([] { return std::string("config kept with the state"); });
    }
    Fd notify_fd;
    SyncMsg ready = expect(parent_end.get(), "setting up the container", trace, &notify_fd);
    if (ready.type == SyncType::hooks) {
        // Steps 6-7: the init waits before pivot_root while berth runs these in its own
        // namespaces (hooks.hpp). A failure throws: the rollback kills the init.
        run_hooks(config.hooks, HookKind::prestart, hook_state(opts.id, "created", bundle, config.annotations), init, ctx.log);
        run_hooks(config.hooks, HookKind::create_runtime, hook_state(opts.id, "creating", bundle, config.annotations), init,
                  ctx.log);
        send_or_report(parent_end.get(), SyncType::resume, trace);
        ready = expect(parent_end.get(), "setting up the container", trace, &notify_fd);
    }
    if (ready.type == SyncType::console) {
        // Step 7a: the pty master, to the console socket or kept for the foreground proxy.
        Fd master = std::move(notify_fd);
        if (!master || !console.expects_master()) throw Error("container init sent an unexpected pty master");
        console.deliver(std::move(master));
        trace([&] {
            return "pty /dev/pts/" + std::to_string(ready.pid) + (console.to_socket() ? " sent to the console socket " + opts.console_socket
                                                        : std::string(" kept for the foreground"));
        });
        ready = expect(parent_end.get(), "setting up the container", trace, &notify_fd);
    }
    if (console.expects_master() && !console.delivered()) throw Error("container init sent no pty master");
    if (ready.type == SyncType::seccomp_fd) {
        // Step 8: the init waits until the listener has the fd.
        if (!notify_fd) throw Error("container init sent no seccomp notify fd");
        ContainerProcessState st{opts.id, init, bundle, config.annotations, plan.parent.seccomp_listener_metadata};
        send_to_seccomp_listener(plan.parent.seccomp_listener_path, container_process_state_json(st), notify_fd.get());
        notify_fd.reset();
        send_or_report(parent_end.get(), SyncType::go, trace);  // step 9
        ready = expect(parent_end.get(), "setting up the container", trace);
    }
    if (ready.type != SyncType::ready) throw Error("container init sent an unexpected message");
    trace([&] {
        return "init " + std::to_string(init) + (for_run ? " execs " : " waits for start to exec ") +
               joined(plan.process.args) + " (cwd " + plan.process.cwd + ", uid " +
               std::to_string(plan.process.identity.uid) + ", gid " + std::to_string(plan.process.identity.gid) + ")";
    });

    out.sync = std::move(parent_end);
    out.init = init;
    out.console_master = console.take_kept_master();
    return out;
}

// After "ready": EOF on the handshake socket means the init's execve succeeded (the socket is
// close-on-exec), a message that it failed, which is thrown. Closes the socket.
void check_exec(const Trace& trace, pid_t init, Fd& sync)
{
    SyncMsg m;
    int r = sync_recv(sync.get(), m);
    sync.reset();
    if (r > 0 && m.type == SyncType::error) throw failure_error(m.failure);
    trace([&] { return "init " + std::to_string(init) + " exec'd its process"; });
}

void write_pid_file(const std::string& path, pid_t pid)
{
    if (path.empty()) return;
    with_context("write pid file " + path, [&] { write_file_atomic(path, std::to_string(pid)); });
}

// The bundle's config, read once, parsed and checked for fields berth cannot honour yet.
Bundle load_bundle(const Context& ctx, const CreateOptions& opts)
{
    Bundle b;
    b.dir = absolute(opts.bundle.empty() ? "." : opts.bundle);
    b.config_text = std::make_shared<const std::string>(spec::read_bundle_config(b.dir));
    b.config = spec::parse_config(b.config_text);
    check_supported(b.config, ctx.log);
    return b;
}

// runtime.md: a create that fails, a hook's failure among others, goes on to destroy the
// container and run the poststop hooks (lifecycle steps 12-13), as runc does. Warnings only.
void poststop_on_failure(const Context& ctx, const CreateOptions& opts, const Bundle& b, Rollback& rollback)
{
    if (hooks_of(b.config.hooks, HookKind::poststop).empty()) return;
    rollback.then([&ctx, &opts, &b] {
        try {
            run_hooks_warn_only(b.config.hooks, HookKind::poststop,
                                hook_state(opts.id, "stopped", b.dir, b.config.annotations), 0, ctx.log);
        } catch (const std::exception& e) {
            ctx.log.warn(std::string("poststop hooks: ") + e.what());
        }
    });
}

}  // namespace

void create_container(const Context& ctx, const CreateOptions& opts)
{
    with_context("create " + opts.id, [&] {
        Bundle b = load_bundle(ctx, opts);
        terminal::check_console_request(b.config.process->terminal, opts.console_socket, true);
        protect_own_binary(ctx, own_binary_reachable(b.config, false));
        state::ContainerDir dir = ctx.store.create(opts.id);
        Rollback rollback(dir);
        poststop_on_failure(ctx, opts, b, rollback);
        Launched l = launch(ctx, opts, false, dir, rollback, b);
        write_pid_file(opts.pid_file, l.init);
        rollback.commit();
    });
}

int run_container(const Context& ctx, const CreateOptions& opts, const RunOptions& run)
{
    pid_t init = 0;
    Bundle b;
    Fd console_master;
    Fd exec_outcome;  // the handshake socket until the init's execve is known to have succeeded
    with_context("run " + opts.id, [&] {
        b = load_bundle(ctx, opts);
        terminal::check_console_request(b.config.process->terminal, opts.console_socket, run.detach);
        protect_own_binary(ctx, own_binary_reachable(b.config, true));
        state::ContainerDir dir = ctx.store.create(opts.id);
        Rollback rollback(dir);
        poststop_on_failure(ctx, opts, b, rollback);
        // SIGCHLD and the forwarded signals stay pending from here until the wait loop reads
        // them; the init unblocks everything for itself.
        sigset_t set = forwarded_signals();
        if (!run.detach) ::sigprocmask(SIG_BLOCK, &set, nullptr);
        Launched l = launch(ctx, opts, true, dir, rollback, b);
        const Trace trace(ctx.log, "run", opts.id);
        // While the init execs.
        if (l.unobserved_run) {
            dir.write_config(*b.config_text);
            trace([] { return std::string("config kept with the state"); });
        } else {
            l.record.status = state::Status::running;
            dir.write(l.record);
            trace([&] {
                return "state written: running, pid " + std::to_string(l.init) + ", " + path_join(dir.path(), state::state_file);
            });
        }
        write_pid_file(opts.pid_file, l.init);
        // Whether execve succeeded. A foreground run that nobody else watches learns it once the
        // process has ended, and goes straight to the wait: waking up for the exec as well cost
        // up to ~0.4 ms per run here (a wake-up on the other, idle, vCPU while the process
        // starts). Poststart hooks and a detached run need the exec to have happened first.
        exec_outcome = std::move(l.sync);
        if (!l.unobserved_run || run.detach) check_exec(trace, l.init, exec_outcome);
        rollback.commit();
        init = l.init;
        console_master = std::move(l.console_master);
    });
    // Without the container's lock: a hook may well run `berth state` or `berth kill` on it.
    run_hooks_warn_only(b.config.hooks, HookKind::poststart, hook_state(opts.id, "running", b.dir, b.config.annotations), init,
                        ctx.log);
    if (run.detach) return 0;
    int status = wait_foreground(init, std::move(console_master));
    if (exec_outcome) {
        try {
            with_context("run " + opts.id, [&] { check_exec(Trace(ctx.log, "run", opts.id), init, exec_outcome); });
        } catch (const Error&) {
            // As when the failure is seen before the wait: the container goes, --keep or not.
            Container::open(ctx, opts.id).destroy(ctx.log, &b.config.hooks);
            throw;
        }
    }
    ctx.log.debug_lazy([&] { return "run " + opts.id + ": init exited, status " + std::to_string(status); });
    // The stored config is the text run wrote (update changes only its resources): its hooks
    // are b's, and reading them back would cost a read and a scan after every container.
    if (!run.keep) Container::open(ctx, opts.id).destroy(ctx.log, &b.config.hooks);
    return status;
}

}  // namespace berth::runtime
