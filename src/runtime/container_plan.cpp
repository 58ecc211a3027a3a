// config.json -> Plan: the translation from the spec's words to prepared system-call inputs.
// The parser has validated the config (spec/validate*.cpp) and check_supported() has refused
// what berth does not implement, so nothing here checks a field's value again.
#include "berth/runtime/container_plan.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>

#include "berth/cgroups/mountinfo.hpp"
#include "berth/runtime/hooks.hpp"
#include "berth/runtime/lsm_plan.hpp"
#include "berth/runtime/seccomp_plan.hpp"
#include "berth/spec/validate.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"
#include "berth/util/json_reader.hpp"

namespace berth::runtime {

namespace {

int clone_flag(spec::NamespaceType t)
{
    switch (t) {
    case spec::NamespaceType::pid: return CLONE_NEWPID;
    case spec::NamespaceType::network: return CLONE_NEWNET;
    case spec::NamespaceType::mount: return CLONE_NEWNS;
    case spec::NamespaceType::ipc: return CLONE_NEWIPC;
    case spec::NamespaceType::uts: return CLONE_NEWUTS;
    case spec::NamespaceType::user: return CLONE_NEWUSER;
    case spec::NamespaceType::cgroup: return CLONE_NEWCGROUP;
    case spec::NamespaceType::time: return CLONE_NEWTIME;
    }
    return 0;
}

std::string id_map_text(const std::vector<spec::IdMapping>& maps)
{
    std::string out;
    for (const auto& m : maps)
        out += std::to_string(m.container_id) + " " + std::to_string(m.host_id) + " " + std::to_string(m.size) + "\n";
    return out;
}

// The namespace a joined path names is the host's (berth's own) one (net, ipc, uts or mount).
bool is_own_namespace(const NamespaceJoin& j)
{
    const char* name = j.nstype == CLONE_NEWNET ? "net"
                       : j.nstype == CLONE_NEWIPC ? "ipc"
                       : j.nstype == CLONE_NEWNS  ? "mnt"
                                                  : "uts";
    struct stat own, joined;
    return ::stat((std::string("/proc/self/ns/") + name).c_str(), &own) == 0 && ::fstat(j.fd.get(), &joined) == 0 &&
           own.st_dev == joined.st_dev && own.st_ino == joined.st_ino;
}

void plan_namespaces(const spec::Linux& l, ContainerPlan& plan, ParentPlan& parent)
{
    for (size_t i = 0; i < l.namespaces.size(); ++i) {
        const auto& ns = l.namespaces[i];
        int flag = clone_flag(ns.type);
        if (ns.path.empty()) {
            plan.new_namespaces |= static_cast<uint64_t>(flag);
            continue;
        }
        std::string where = "config.json: .linux.namespaces[" + std::to_string(i) + "].path: ";
        // O_NONBLOCK: a FIFO there must not hang berth; only an nsfs file is a namespace.
        Fd fd(::open(ns.path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
        if (!fd) throw Error(where + "open " + ns.path + ": " + errno_text(errno));
        struct statfs sf;
        if (::fstatfs(fd.get(), &sf) < 0 || sf.f_type != NSFS_MAGIC)
            throw Error(where + ns.path + " is not a namespace file (nsfs)");
        NamespaceJoin j{flag, ns.path, std::move(fd)};
        // berth's own mount namespace: nothing to join, and treated as no namespace of its own.
        if (ns.type == spec::NamespaceType::mount && is_own_namespace(j)) {
            plan.shares_mount_ns = true;
            continue;
        }
        if (ns.type == spec::NamespaceType::user)
            plan.join_user = std::move(j);
        else if (ns.type == spec::NamespaceType::pid)
            plan.join_pid = std::move(j);
        else
            plan.joins.push_back(std::move(j));
    }
    auto joins_mount = [](const NamespaceJoin& j) { return j.nstype == CLONE_NEWNS; };
    if (!(plan.new_namespaces & CLONE_NEWNS) && std::none_of(plan.joins.begin(), plan.joins.end(), joins_mount))
        plan.shares_mount_ns = true;
    // The host's mounts are not a user namespace's to change.
    if (plan.shares_mount_ns && ((plan.new_namespaces & CLONE_NEWUSER) || plan.join_user))
        throw Error("config.json: .linux.namespaces: a container with a user namespace needs a mount namespace of its own");
    if (plan.new_namespaces & CLONE_NEWUSER) {
        parent.uid_map = id_map_text(l.uid_mappings);
        parent.gid_map = id_map_text(l.gid_mappings);
    }
    // One clone creates every namespace at once, owned by the new user namespace. Joining by
    // path has to come first when a user namespace is created or joined, a pid namespace is
    // joined, or a time namespace is made: then an intermediate process joins, unshares and
    // forks the init.
    bool new_user = plan.new_namespaces & CLONE_NEWUSER;
    plan.two_stage = plan.join_user || plan.join_pid || (plan.new_namespaces & CLONE_NEWTIME) ||
                     (new_user && !plan.joins.empty());
    // linux.timeOffsets, as /proc/<pid>/timens_offsets takes them ("<clock> <secs> <nanosecs>").
    // Validation made sure the config lists a time namespace; joined by path it is not ours to set.
    if (!l.time_offsets.empty() && !(plan.new_namespaces & CLONE_NEWTIME))
        throw Error("config.json: .linux.timeOffsets: the time namespace is joined by path: its offsets cannot be set");
    for (const auto& [clock, off] : l.time_offsets)
        plan.time_offsets += clock + " " + std::to_string(off.secs) + " " + std::to_string(off.nanosecs) + "\n";
}

// Id-mapped binds (runtime-spec: "idmap"/"ridmap", the mount's uidMappings/gidMappings; runc
// also id-maps a mount that has mappings without the option). berth prepares them as host root
// and hands the init the finished mount (mount_sources.hpp).
void plan_idmap(const spec::Mount& m, size_t index, const ContainerPlan& plan, os::MountStep& step)
{
    bool mapped = !m.uid_mappings.empty() || !m.gid_mappings.empty();
    if (step.opts.idmap == os::MountOptions::Idmap::none && !mapped) return;
    std::string where = "config.json: .mounts[" + std::to_string(index) + "]";
    if (step.kind != os::MountStep::Kind::bind)
        throw Error(where + ".options: id-mapped mounts are supported for bind mounts only");
    if (m.uid_mappings.empty() != m.gid_mappings.empty())
        throw Error(where + (m.uid_mappings.empty() ? ".uidMappings" : ".gidMappings") +
                    ": uidMappings and gidMappings go together");
    if (!mapped && !plan.in_user_namespace())
        throw Error(where + ".options: idmap without uidMappings/gidMappings maps through the container's user "
                            "namespace, and the config has none");
    if (::geteuid() != 0) throw Error(where + ": id-mapped mounts need berth to run as root (host root)");
    if (step.opts.idmap == os::MountOptions::Idmap::none) step.opts.idmap = os::MountOptions::Idmap::top;
    step.source_is_mount = true;
    step.idmap_uid_map = id_map_text(m.uid_mappings);
    step.idmap_gid_map = id_map_text(m.gid_mappings);
}

void plan_mounts(const spec::Config& c, const PlanInputs& in, ContainerPlan& plan)
{
    for (const auto& m : c.mounts) {
        os::MountStep step;
        step.destination = m.destination;
        step.fstype = m.type;
        step.opts = os::parse_mount_options(m.options);
        if (m.type == "bind" || step.opts.bind) {
            step.kind = os::MountStep::Kind::bind;
            step.opts.bind = true;
            step.source = m.source.front() == '/' ? m.source : path_join(in.bundle, m.source);
        } else if (m.type == "cgroup" || m.type == "cgroup2") {
            step.kind = os::MountStep::Kind::cgroup;
        } else {
            step.source = m.source;
        }
        plan_idmap(m, plan.mounts.size(), plan, step);
        bool is_dev = m.destination == "/dev" || m.destination == "/dev/";
        if (is_dev && step.kind == os::MountStep::Kind::bind) plan.default_devices = false;
        if (is_dev && step.kind != os::MountStep::Kind::cgroup) {
            constexpr uint64_t ro = MOUNT_ATTR_RDONLY;
            bool rec = step.opts.rattr_set & ro;
            if ((step.opts.attr_set & ro) || rec) {
                plan.readonly_dev = {plan.mounts.size(), rec};
                step.opts.attr_set &= ~ro;
                step.opts.rattr_set &= ~ro;
            } else {
                plan.readonly_dev = {};  // a later /dev mount replaces an earlier one
            }
        }
        plan.mounts.push_back(std::move(step));
    }
    bool cgroupns = plan.new_namespaces & CLONE_NEWCGROUP;
    auto& cg = plan.cgroup_mounts;
    if (in.cgroup_mode == cgroups::Mode::unified) {
        if (!in.hierarchies.empty() && !cgroupns)
            cg.v2_host_path = in.hierarchies.front().host_path;
        else if (cgroupns || plan.in_user_namespace())
            cg.fresh_cgroup2 = true;
        else
            // No cgroup of its own (--cgroup-manager=disabled) nor a cgroup namespace: the tree
            // as berth sees it, bound. A new cgroup2 mount in the initial cgroup namespace sets
            // its own options on the host's whole hierarchy (clearing the nsdelegate and
            // memory_recursiveprot systemd mounts it with), and waits for an RCU grace period.
            cg.v2_host_path = std::string(cgroups::cgroup_base);
    } else {
        for (const auto& h : in.hierarchies) cg.v1.push_back({h.mount_name, h.host_path});
    }
}

mode_t device_type(const std::string& t)
{
    if (t == "b") return S_IFBLK;
    if (t == "p") return S_IFIFO;
    return S_IFCHR;  // "c" and "u"; validate() refused anything else
}

void plan_devices(const spec::Linux& l, ContainerPlan& plan)
{
    for (const auto& d : l.devices) {
        os::DeviceNode n;
        n.path = d.path;
        n.mode = device_type(d.type) | (d.file_mode.value_or(0666) & 07777);
        n.dev = makedev(static_cast<unsigned>(d.major), static_cast<unsigned>(d.minor));
        n.uid = d.uid.value_or(0);
        n.gid = d.gid.value_or(0);
        plan.devices.push_back(std::move(n));
    }
}

// Validation allowed only keys of namespaces the config lists; a namespace joined by path
// must not be the host's either (runc checks the network namespace; berth all three).
void plan_sysctls(const spec::Linux& l, ContainerPlan& plan)
{
    for (const auto& [key, value] : l.sysctl) {
        std::string where = "config.json: " + json_member_path(".linux.sysctl", key) + ": ";
        auto ns = spec::sysctl_namespace(key);
        int flag = !ns ? 0 : *ns == spec::NamespaceType::network ? CLONE_NEWNET : *ns == spec::NamespaceType::ipc ? CLONE_NEWIPC : CLONE_NEWUTS;
        for (const auto& j : plan.joins)
            if (j.nstype == flag && is_own_namespace(j))
                throw Error(where + "sysctl \"" + key + "\" is not allowed in the host's " + std::string(spec::to_string(*ns)) +
                            " namespace (" + j.path + ")");
        auto path = os::sysctl_path(key);  // validated
        if (!path) throw Error(where + "invalid sysctl name");
        plan.sysctls.push_back({key, *path, value});
    }
}

}  // namespace

std::vector<cgroups::DeviceRule> device_rules(const spec::Config& c)
{
    std::vector<cgroups::DeviceRule> rules;
    if (c.linux && c.linux->resources)
        for (const auto& d : c.linux->resources->devices)
            rules.push_back({d.type.empty() ? 'a' : d.type.front(), d.major.value_or(-1), d.minor.value_or(-1),
                             d.access.empty() ? std::string("rwm") : d.access, d.allow});
    // runc appends its standard allow list after the config's rules, which overrides a later
    // rule of the config's own ("deny writes to /dev/null"). berth puts it right after the
    // config's last deny-all instead (or first, when there is none): the same result for every
    // engine's list (deny all, then allows), and the config's own rules keep the last word.
    auto deny_all = [](const cgroups::DeviceRule& r) {
        return !r.allow && r.type == 'a' && r.access.find_first_not_of("rwm") == std::string::npos &&
               r.access.size() == 3;
    };
    auto last_deny_all = std::find_if(rules.rbegin(), rules.rend(), deny_all);
    auto at = last_deny_all == rules.rend() ? rules.begin() : last_deny_all.base();
    auto defaults = cgroups::default_device_rules();
    rules.insert(at, defaults.begin(), defaults.end());
    return rules;
}

namespace {

// The hooks the init runs, with the state they get (hooks.hpp has the table); berth's own
// hooks run straight from the config.
void plan_hooks(const spec::Config& c, const PlanInputs& in, ContainerPlan& plan)
{
    if (!c.hooks) return;
    plan.pause_before_pivot = !c.hooks->prestart.empty() || !c.hooks->create_runtime.empty();
    plan.create_container_hooks =
        prepare_hooks(c.hooks, HookKind::create_container, hook_state(in.id, "creating", in.bundle, c.annotations));
    plan.start_container_hooks =
        prepare_hooks(c.hooks, HookKind::start_container, hook_state(in.id, "created", in.bundle, c.annotations));
}

}  // namespace

Plan build_plan(const spec::Config& c, const PlanInputs& in, const Logger& log)
{
    Plan out;
    ContainerPlan& plan = out.container;
    plan.rootfs = in.rootfs;
    plan.no_pivot = in.no_pivot;
    plan.readonly_root = c.root.readonly;
    if (!in.no_new_keyring) plan.keyring_name = "_ses." + in.id;
    static const spec::Linux no_linux{};
    const spec::Linux& l = c.linux ? *c.linux : no_linux;
    plan_namespaces(l, plan, out.parent);
    if (!c.hostname.empty()) plan.hostname = c.hostname;
    if (!c.domainname.empty()) plan.domainname = c.domainname;
    plan_sysctls(l, plan);
    os::parse_propagation(l.rootfs_propagation, plan.rootfs_propagation);
    plan_mounts(c, in, plan);
    const spec::Process& p = *c.process;  // check_supported() refused a config without one
    os::LsmSupport lsms;
    if (!l.mount_label.empty() || !p.apparmor_profile.empty() || !p.selinux_label.empty()) lsms = os::probe_lsms();
    apply_mount_label(l.mount_label, lsms, plan.mounts);
    plan_devices(l, plan);
    plan.masked_paths = l.masked_paths;
    plan.readonly_paths = l.readonly_paths;

    plan.cwd = p.cwd;
    Fd root(::open(in.rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    out.process = build_process_plan(p, ProcessSource{}, root.get(), in.preserve_fds, log);
    out.process.exec_label = plan_exec_label(p.apparmor_profile, p.selinux_label, "config.json: .process", lsms);
    if (out.process.terminal) {
        plan.console = true;
        out.process.terminal->mount_console = true;
    }
    if (l.seccomp) {
        SeccompFilter filter = seccomp_filter(l.seccomp->view(), in.seccomp_cache_dir, log);
        out.parent.seccomp_listener_path = std::move(filter.listener_path);
        out.parent.seccomp_listener_metadata = std::move(filter.listener_metadata);
        out.process.seccomp = plan_seccomp(std::move(filter), out.process);
    }
    out.parent.oom_score_adj = p.oom_score_adj;
    for (const auto& [host, dev] : l.net_devices) out.parent.net_devices.emplace_back(host, dev.name);
    if (l.personality) out.process.personality = *os::personality_domain(l.personality->domain);
    if (l.memory_policy) out.process.mempolicy = memory_policy(*l.memory_policy);
    plan_hooks(c, in, plan);
    return out;
}

void Plan::finalize_pointers()
{
    process.finalize_pointers();
    container.create_container_hooks.finalize_pointers();
    container.start_container_hooks.finalize_pointers();
}

}  // namespace berth::runtime
