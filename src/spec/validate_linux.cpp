// Semantic validation of .linux and of fields that depend on linux.namespaces.
#include <algorithm>
#include <set>

#include "berth/linux/mount_options.hpp"
#include "berth/linux/netdev.hpp"
#include "berth/linux/process_attrs.hpp"
#include "berth/linux/seccomp.hpp"
#include "berth/linux/sysctl.hpp"
#include "berth/spec/validate.hpp"
#include "validate_util.hpp"

namespace berth::spec::detail {

namespace {

const Namespace* find_ns(const Config& config, NamespaceType type)
{
    if (!config.linux) return nullptr;
    for (const auto& ns : config.linux->namespaces)
        if (ns.type == type) return &ns;
    return nullptr;
}

void check_namespaces(const Checker& c, const std::vector<Namespace>& namespaces)
{
    std::set<NamespaceType> seen;
    for (size_t i = 0; i < namespaces.size(); ++i) {
        const Namespace& ns = namespaces[i];
        std::string p = item(".linux.namespaces", i);
        if (!seen.insert(ns.type).second) c.fail(field(p, "type"), "duplicate namespace " + in_quotes(to_string(ns.type)));
        if (!ns.path.empty()) c.absolute(field(p, "path"), ns.path);
    }
}

// runc's rules: mappings need a user namespace, and a new (not joined) one needs mappings.
void check_user_namespace(const Checker& c, const Config& config)
{
    const Linux& l = *config.linux;
    check_id_mappings(c, ".linux.uidMappings", l.uid_mappings);
    check_id_mappings(c, ".linux.gidMappings", l.gid_mappings);
    const Namespace* userns = find_ns(config, NamespaceType::user);
    if (!userns) {
        if (!l.uid_mappings.empty())
            c.fail(".linux.uidMappings", "uid mappings specified, but no user namespace in .linux.namespaces");
        if (!l.gid_mappings.empty())
            c.fail(".linux.gidMappings", "gid mappings specified, but no user namespace in .linux.namespaces");
    } else if (userns->path.empty()) {
        if (l.uid_mappings.empty()) c.fail(".linux.uidMappings", "user namespace enabled, but no uid mappings found");
        if (l.gid_mappings.empty()) c.fail(".linux.gidMappings", "user namespace enabled, but no gid mappings found");
    }
}

void check_uts(const Checker& c, const Config& config)
{
    bool uts = find_ns(config, NamespaceType::uts) != nullptr;
    if (!config.hostname.empty() && !uts) c.fail(".hostname", "unable to set hostname without a private UTS namespace");
    if (!config.domainname.empty() && !uts)
        c.fail(".domainname", "unable to set domainname without a private UTS namespace");
}

void check_time_offsets(const Checker& c, const Config& config)
{
    const auto& offsets = config.linux->time_offsets;
    if (offsets.empty()) return;
    if (!find_ns(config, NamespaceType::time))
        c.fail(".linux.timeOffsets", "time offsets specified, but no time namespace in .linux.namespaces");
    for (const auto& [clock, off] : offsets) {
        std::string p = field(".linux.timeOffsets", clock);
        if (clock != "monotonic" && clock != "boottime") c.fail(p, "unknown clock " + in_quotes(clock));
        if (off.nanosecs >= 1'000'000'000) c.fail(field(p, "nanosecs"), "must be less than 1000000000");
    }
}

// "net/ipv4/ip_forward" and "net.ipv4.ip_forward" alike, for comparing names.
std::string sysctl_name(std::string_view key)
{
    std::string name(key);
    std::replace(name.begin(), name.end(), '/', '.');
    return name;
}

// Only sysctls that live in a namespace the container owns may be set (runc's rules).
void check_sysctls(const Checker& c, const Config& config)
{
    for (const auto& [key, value] : config.linux->sysctl) {
        std::string p = field(".linux.sysctl", key);
        if (key.empty()) c.fail(p, "empty sysctl name");
        if (!os::sysctl_path(key)) c.fail(p, "invalid sysctl name " + in_quotes(key) + ": empty, \".\" or \"..\" component");
        auto ns = sysctl_namespace(key);
        if (ns == NamespaceType::ipc && !find_ns(config, *ns))
            c.fail(p, "sysctl " + in_quotes(key) + " is not allowed in the host's IPC namespace");
        if (ns == NamespaceType::network && !find_ns(config, *ns))
            c.fail(p, "sysctl " + in_quotes(key) + " is not allowed in the host's network namespace");
        if (ns == NamespaceType::uts && find_ns(config, *ns) && sysctl_name(key) == "kernel.hostname")
            c.fail(p, "sysctl " + in_quotes(key) + " is not allowed as it conflicts with the OCI \"hostname\" field");
        if (!ns || !find_ns(config, *ns)) c.fail(p, "sysctl " + in_quotes(key) + " is not in a separate kernel namespace");
    }
}

void check_devices(const Checker& c, const std::vector<Device>& devices)
{
    for (size_t i = 0; i < devices.size(); ++i) {
        const Device& d = devices[i];
        std::string p = item(".linux.devices", i);
        if (d.type != "c" && d.type != "b" && d.type != "u" && d.type != "p")
            c.fail(field(p, "type"), "invalid device type " + in_quotes(d.type) + " (want c, b, u or p)");
        c.absolute(field(p, "path"), d.path);
    }
}

void check_device_rules(const Checker& c, const Resources& r)
{
    for (size_t i = 0; i < r.devices.size(); ++i) {
        const DeviceCgroupRule& rule = r.devices[i];
        std::string p = item(".linux.resources.devices", i);
        if (rule.type != "" && rule.type != "a" && rule.type != "c" && rule.type != "b")
            c.fail(field(p, "type"), "invalid device rule type " + in_quotes(rule.type) + " (want a, c or b)");
        if (rule.access.find_first_not_of("rwm") != std::string::npos)
            c.fail(field(p, "access"), "invalid device access " + in_quotes(rule.access) + " (want a subset of \"rwm\")");
    }
}

// errnoRet travels in the 16 data bits of a seccomp return value.
void check_errno_ret(const Checker& c, const std::string& p, std::optional<uint32_t> ret)
{
    if (ret && *ret > 0xffff) c.fail(p, "must be at most 65535");
}

}  // namespace

// Names against the tables berth compiles from (linux/seccomp.hpp).
void check_seccomp(const Checker& c, const Seccomp& s)
{
    auto action = os::seccomp_action_from_name(s.default_action);
    if (!action) c.fail(".linux.seccomp.defaultAction", "unknown action " + in_quotes(s.default_action));
    // The filter's default would also catch the calls the init makes before execve, with
    // nobody yet holding the listener's fd.
    if (action == os::SeccompAction::notify) c.fail(".linux.seccomp.defaultAction", "SCMP_ACT_NOTIFY cannot be the default action");
    check_errno_ret(c, ".linux.seccomp.defaultErrnoRet", s.default_errno_ret);
    for (size_t i = 0; i < s.architectures.size(); ++i)
        if (!os::seccomp_arch_from_name(s.architectures[i]))
            c.fail(item(".linux.seccomp.architectures", i), "unknown architecture " + in_quotes(s.architectures[i]));
    for (size_t i = 0; i < s.flags.size(); ++i)
        if (!os::seccomp_flag_from_name(s.flags[i]))
            c.fail(item(".linux.seccomp.flags", i), "unknown flag " + in_quotes(s.flags[i]));
    bool notify = false;
    for (size_t i = 0; i < s.syscalls.size(); ++i) {
        const SeccompSyscall& call = s.syscalls[i];
        std::string p = item(".linux.seccomp.syscalls", i);
        if (call.names.empty()) c.fail(field(p, "names"), "must not be empty");
        for (size_t k = 0; k < call.names.size(); ++k)
            if (call.names[k].empty()) c.fail(item(field(p, "names"), k), "empty syscall name");
        auto a = os::seccomp_action_from_name(call.action);
        if (!a) c.fail(field(p, "action"), "unknown action " + in_quotes(call.action));
        if (a == os::SeccompAction::notify) notify = true;
        check_errno_ret(c, field(p, "errnoRet"), call.errno_ret);
        for (size_t j = 0; j < call.args.size(); ++j) {
            std::string ap = item(field(p, "args"), j);
            if (call.args[j].index >= 6) c.fail(field(ap, "index"), "must be less than 6");
            if (!os::seccomp_operator_from_name(call.args[j].op))
                c.fail(field(ap, "op"), "unknown operator " + in_quotes(call.args[j].op));
        }
    }
    if (notify && s.listener_path.empty())
        c.fail(".linux.seccomp.listenerPath", "required when a rule uses SCMP_ACT_NOTIFY");
}

namespace {

void check_paths(const Checker& c, std::string_view path, const std::vector<std::string>& paths)
{
    for (size_t i = 0; i < paths.size(); ++i) c.absolute(item(path, i), paths[i]);
}

// The names the mount code applies, so validation and mounting cannot disagree.
void check_propagation(const Checker& c, const std::string& prop)
{
    uint64_t flags = 0;
    if (!os::parse_propagation(prop, flags))
        c.fail(".linux.rootfsPropagation", "invalid rootfs propagation " + in_quotes(prop));
}

}  // namespace

void validate_linux(const Checker& c, const Config& config)
{
    check_uts(c, config);
    if (!config.linux) return;
    const Linux& l = *config.linux;
    check_namespaces(c, l.namespaces);
    check_user_namespace(c, config);
    check_time_offsets(c, config);
    check_sysctls(c, config);
    check_devices(c, l.devices);
    if (l.resources) check_device_rules(c, *l.resources);
    check_propagation(c, l.rootfs_propagation);
    check_paths(c, ".linux.maskedPaths", l.masked_paths);
    check_paths(c, ".linux.readonlyPaths", l.readonly_paths);
    if (l.personality) {
        if (!os::personality_domain(l.personality->domain))
            c.fail(".linux.personality.domain", "unknown personality domain " + in_quotes(l.personality->domain));
        // The runtime-spec defines no flags yet.
        if (!l.personality->flags.empty())
            c.fail(".linux.personality.flags[0]", "unknown personality flag " + in_quotes(l.personality->flags.front()));
    }
    for (const auto& [host, dev] : l.net_devices) {
        std::string p = field(".linux.netDevices", host);
        if (!os::valid_ifname(host)) c.fail(p, "invalid interface name " + in_quotes(host));
        if (!dev.name.empty() && !os::valid_ifname(dev.name))
            c.fail(field(p, "name"), "invalid interface name " + in_quotes(dev.name));
        if (!find_ns(config, NamespaceType::network))
            c.fail(p, "moving a network device needs a network namespace in .linux.namespaces");
    }
    if (l.memory_policy) {
        const auto& m = *l.memory_policy;
        if (!os::mempolicy_mode(m.mode)) c.fail(".linux.memoryPolicy.mode", "unknown memory policy mode " + in_quotes(m.mode));
        for (size_t i = 0; i < m.flags.size(); ++i)
            if (!os::mempolicy_flag(m.flags[i]))
                c.fail(item(".linux.memoryPolicy.flags", i), "unknown memory policy flag " + in_quotes(m.flags[i]));
        std::vector<unsigned> nodes;
        if (!m.nodes.empty() && !os::parse_id_list(m.nodes, os::max_numa_nodes, nodes))
            c.fail(".linux.memoryPolicy.nodes", "invalid node list " + in_quotes(m.nodes));
    }
}

}  // namespace berth::spec::detail

namespace berth::spec {

std::optional<NamespaceType> sysctl_namespace(std::string_view key)
{
    static constexpr std::string_view ipc[] = {"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",
                                               "kernel.sem",    "kernel.shmall", "kernel.shmmax",
                                               "kernel.shmmni", "kernel.shm_rmid_forced"};
    std::string name = detail::sysctl_name(key);
    if (std::find(std::begin(ipc), std::end(ipc), name) != std::end(ipc) || name.starts_with("fs.mqueue."))
        return NamespaceType::ipc;
    if (name.starts_with("net.")) return NamespaceType::network;
    if (name == "kernel.domainname" || name == "kernel.hostname") return NamespaceType::uts;
    return std::nullopt;
}

}  // namespace berth::spec
