#include "berth/runtime/plan_builder.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <string_view>

#include "berth/linux/in_root.hpp"
#include "berth/spec/validate.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"

namespace berth::runtime {

namespace {

[[noreturn]] void bad(const std::string& path, const std::string& what)
{
    throw Error("config.json: " + path + ": " + what);
}

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

void plan_namespaces(const spec::Linux& l, InitPlan& plan)
{
    for (size_t i = 0; i < l.namespaces.size(); ++i) {
        const auto& ns = l.namespaces[i];
        int flag = clone_flag(ns.type);
        if (ns.path.empty()) {
            plan.new_namespaces |= static_cast<uint64_t>(flag);
            continue;
        }
        std::string where = ".linux.namespaces[" + std::to_string(i) + "].path";
        Fd fd(::open(ns.path.c_str(), O_RDONLY | O_CLOEXEC));
        if (!fd) bad(where, "open " + ns.path + ": " + errno_text(errno));
        NamespaceJoin j{flag, ns.path, std::move(fd)};
        if (ns.type == spec::NamespaceType::user)
            plan.join_user = std::move(j);
        else if (ns.type == spec::NamespaceType::pid)
            plan.join_pid = std::move(j);
        else
            plan.joins.push_back(std::move(j));
    }
    if (plan.new_namespaces & CLONE_NEWUSER) {
        plan.id_maps.uid_map = id_map_text(l.uid_mappings);
        plan.id_maps.gid_map = id_map_text(l.gid_mappings);
    }
    // One clone creates every namespace at once, owned by the new user namespace. Joining by
    // path has to come first when a user namespace is created or joined, a pid namespace is
    // joined, or a time namespace is made: then an intermediate process joins, unshares and
    // forks the init.
    bool new_user = plan.new_namespaces & CLONE_NEWUSER;
    plan.two_stage = plan.join_user || plan.join_pid || (plan.new_namespaces & CLONE_NEWTIME) ||
                     (new_user && !plan.joins.empty());
}

void plan_mounts(const spec::Config& c, const PlanInputs& in, InitPlan& plan)
{
    for (size_t i = 0; i < c.mounts.size(); ++i) {
        const auto& m = c.mounts[i];
        std::string where = ".mounts[" + std::to_string(i) + "]";
        os::MountStep step;
        step.destination = m.destination;
        step.fstype = m.type;
        step.opts = os::parse_mount_options(m.options);
        if (!step.opts.unsupported.empty())
            bad(where + ".options", "mount option \"" + step.opts.unsupported.front() + "\" is not supported by berth yet");
        if (m.type == "bind" || step.opts.bind) {
            step.kind = os::MountStep::Kind::bind;
            step.opts.bind = true;
            if (m.source.empty()) bad(where + ".source", "required for a bind mount");
            step.source = m.source.front() == '/' ? m.source : path_join(in.bundle, m.source);
        } else if (m.type == "cgroup" || m.type == "cgroup2") {
            step.kind = os::MountStep::Kind::cgroup;
        } else {
            if (m.type.empty()) bad(where + ".type", "required for a mount that is not a bind mount");
            step.source = m.source;
        }
        if (m.destination == "/dev" && m.type == "tmpfs") plan.dev_is_tmpfs = true;
        plan.mounts.push_back(std::move(step));
    }
    bool cgroupns = plan.new_namespaces & CLONE_NEWCGROUP;
    auto& cg = plan.cgroup_mounts;
    if (in.cgroup_mode == cgroups::Mode::unified) {
        if (cgroupns || in.hierarchies.empty())
            cg.fresh_cgroup2 = true;
        else
            cg.v2_host_path = in.hierarchies.front().host_path;
    } else {
        for (const auto& h : in.hierarchies) cg.v1.push_back({h.mount_name, h.host_path});
    }
}

void plan_devices(const spec::Linux& l, InitPlan& plan)
{
    for (size_t i = 0; i < l.devices.size(); ++i) {
        const auto& d = l.devices[i];
        std::string where = ".linux.devices[" + std::to_string(i) + "]";
        mode_t type = 0;
        if (d.type == "c" || d.type == "u")
            type = S_IFCHR;
        else if (d.type == "b")
            type = S_IFBLK;
        else if (d.type == "p")
            type = S_IFIFO;
        else
            bad(where + ".type", "unknown device type \"" + d.type + "\"");
        os::DeviceNode n;
        n.path = d.path;
        n.mode = type | (d.file_mode.value_or(0666) & 07777);
        n.dev = makedev(static_cast<unsigned>(d.major), static_cast<unsigned>(d.minor));
        n.uid = d.uid.value_or(0);
        n.gid = d.gid.value_or(0);
        plan.devices.push_back(std::move(n));
    }
}

uint64_t cap_mask(const std::vector<std::string>& names, const std::string& where, const Logger& log)
{
    uint64_t mask = 0;
    unsigned known = os::capability_count();
    for (size_t i = 0; i < names.size(); ++i) {
        auto v = spec::capability_from_name(names[i]);
        if (!v) bad(where + "[" + std::to_string(i) + "]", "unknown capability \"" + names[i] + "\"");
        if (static_cast<unsigned>(*v) >= known) {
            log.warn("capability " + names[i] + " is not known to the running kernel; skipped");
            continue;
        }
        mask |= uint64_t{1} << *v;
    }
    return mask;
}

void plan_process(const spec::Config& c, const PlanInputs& in, InitPlan& plan, const Logger& log)
{
    if (!c.process) throw Error("config.json: .process: required to create a container");
    const auto& p = *c.process;
    if (p.args.empty()) bad(".process.args", "must not be empty");
    plan.args = p.args;
    plan.env = p.env;
    plan.cwd = p.cwd.empty() ? "/" : p.cwd;
    bool has_home = false;
    for (const auto& e : p.env) {
        if (e.rfind("PATH=", 0) == 0) plan.path_env = e.substr(5);
        if (e.rfind("HOME=", 0) == 0) has_home = true;
    }
    if (!has_home) {
        // Like runc: HOME from the container's /etc/passwd, read inside the rootfs.
        std::string home = "/";
        Fd root(::open(in.rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        Fd passwd(root ? os::open_in_root(root.get(), "/etc/passwd", O_RDONLY) : -1);
        if (passwd) home = home_from_passwd(read_fd(passwd.get()), p.user.uid);
        plan.env.push_back("HOME=" + home);
    }
    plan.identity.uid = p.user.uid;
    plan.identity.gid = p.user.gid;
    plan.identity.additional_gids.assign(p.user.additional_gids.begin(), p.user.additional_gids.end());
    plan.umask = p.user.umask;
    plan.no_new_privileges = p.no_new_privileges;
    plan.oom_score_adj = p.oom_score_adj;
    if (p.capabilities) {
        const auto& k = *p.capabilities;
        plan.caps.present = true;
        plan.caps.bounding = cap_mask(k.bounding, ".process.capabilities.bounding", log);
        plan.caps.effective = cap_mask(k.effective, ".process.capabilities.effective", log);
        plan.caps.permitted = cap_mask(k.permitted, ".process.capabilities.permitted", log);
        plan.caps.inheritable = cap_mask(k.inheritable, ".process.capabilities.inheritable", log);
        plan.caps.ambient = cap_mask(k.ambient, ".process.capabilities.ambient", log);
        // The kernel only raises an ambient capability that is also permitted and inheritable.
        // Configs written by `runc spec` list ambient capabilities without inheritable ones;
        // runc ignores the refusal, berth says so and drops them.
        uint64_t unraisable = plan.caps.ambient & ~(plan.caps.permitted & plan.caps.inheritable);
        if (unraisable) {
            log.warn("config.json: .process.capabilities.ambient: capabilities not also permitted and inheritable "
                     "cannot be ambient; dropped");
            plan.caps.ambient &= ~unraisable;
        }
    }
    for (size_t i = 0; i < p.rlimits.size(); ++i) {
        const auto& r = p.rlimits[i];
        auto res = spec::rlimit_from_name(r.type);
        if (!res) bad(".process.rlimits[" + std::to_string(i) + "].type", "unknown rlimit \"" + r.type + "\"");
        os::RlimitSetting s;
        s.resource = *res;
        s.name = r.type.c_str();  // points into the config, which outlives the plan's use
        s.limit.rlim_cur = r.soft;
        s.limit.rlim_max = r.hard;
        plan.rlimits.push_back(s);
    }
}

}  // namespace

std::string home_from_passwd(const std::string& text, uid_t uid)
{
    std::string_view all(text);
    while (!all.empty()) {
        auto nl = all.find('\n');
        std::string_view line = all.substr(0, nl);
        all = nl == std::string_view::npos ? std::string_view{} : all.substr(nl + 1);
        // name:password:uid:gid:gecos:home:shell
        std::string_view f[7];
        size_t n = 0;
        while (n < 7) {
            auto colon = line.find(':');
            f[n++] = line.substr(0, colon);
            if (colon == std::string_view::npos) break;
            line = line.substr(colon + 1);
        }
        if (n < 6 || f[2] != std::to_string(uid)) continue;
        return f[5].empty() ? "/" : std::string(f[5]);
    }
    return "/";
}

void InitPlan::finalize_pointers()
{
    argv.clear();
    envp.clear();
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
}

InitPlan build_plan(const spec::Config& c, const PlanInputs& in, const Logger& log)
{
    InitPlan plan;
    plan.rootfs = in.rootfs;
    plan.no_pivot = in.no_pivot;
    plan.readonly_root = c.root.readonly;
    plan.preserve_fds = in.preserve_fds;
    if (!in.no_new_keyring) plan.keyring_name = "_ses." + in.id;
    static const spec::Linux no_linux{};
    const spec::Linux& l = c.linux ? *c.linux : no_linux;
    plan_namespaces(l, plan);
    if (!(plan.new_namespaces & CLONE_NEWNS) && !std::any_of(plan.joins.begin(), plan.joins.end(), [](const auto& j) {
            return j.nstype == CLONE_NEWNS;
        }))
        throw Error("config.json: .linux.namespaces: a mount namespace is required (berth never mounts in the host's)");
    if (!c.hostname.empty()) plan.hostname = c.hostname;
    if (!c.domainname.empty()) plan.domainname = c.domainname;
    if (!os::parse_propagation(l.rootfs_propagation, plan.rootfs_propagation))
        bad(".linux.rootfsPropagation", "unknown propagation \"" + l.rootfs_propagation + "\"");
    plan_mounts(c, in, plan);
    plan_devices(l, plan);
    plan.masked_paths = l.masked_paths;
    plan.readonly_paths = l.readonly_paths;
    plan_process(c, in, plan, log);
    plan.finalize_pointers();
    return plan;
}

}  // namespace berth::runtime
