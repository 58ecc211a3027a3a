// The config.json "linux" object, except linux.resources (parse_resources.cpp).
#include "decode.hpp"

namespace berth::spec::detail {

void decode(const JsonNode& n, Namespace& ns)
{
    n.require_object();
    JsonNode type = n.required("type");
    std::string name = type.as_string();
    auto t = namespace_type_from_string(name);
    if (!t) type.fail("unknown namespace \"" + name + "\"");
    ns.type = *t;
    opt(n, "path", ns.path);
}

void decode(const JsonNode& n, Device& d)
{
    n.require_object();
    req(n, "type", d.type);
    req(n, "path", d.path);
    opt(n, "major", d.major);
    opt(n, "minor", d.minor);
    opt(n, "fileMode", d.file_mode);
    opt(n, "uid", d.uid);
    opt(n, "gid", d.gid);
}

void decode(const JsonNode& n, SeccompArg& a)
{
    n.require_object();
    opt(n, "index", a.index);
    opt(n, "value", a.value);
    opt(n, "valueTwo", a.value_two);
    req(n, "op", a.op);
}

void decode(const JsonNode& n, SeccompSyscall& s)
{
    n.require_object();
    req(n, "names", s.names);
    req(n, "action", s.action);
    opt(n, "errnoRet", s.errno_ret);
    opt(n, "args", s.args);
}

void decode(const JsonNode& n, Seccomp& s)
{
    n.require_object();
    req(n, "defaultAction", s.default_action);
    opt(n, "defaultErrnoRet", s.default_errno_ret);
    opt(n, "architectures", s.architectures);
    opt(n, "flags", s.flags);
    opt(n, "listenerPath", s.listener_path);
    opt(n, "listenerMetadata", s.listener_metadata);
    opt(n, "syscalls", s.syscalls);
}

void decode(const JsonNode& n, IntelRdt& r)
{
    n.require_object();
    opt(n, "closID", r.clos_id);
    opt(n, "l3CacheSchema", r.l3_cache_schema);
    opt(n, "memBwSchema", r.mem_bw_schema);
    opt(n, "schemata", r.schemata);
    opt(n, "enableCMT", r.enable_cmt);
    opt(n, "enableMBM", r.enable_mbm);
    opt(n, "enableMonitoring", r.enable_monitoring);
}

void decode(const JsonNode& n, Personality& p)
{
    n.require_object();
    req(n, "domain", p.domain);
    opt(n, "flags", p.flags);
}

void decode(const JsonNode& n, TimeOffset& t)
{
    n.require_object();
    opt(n, "secs", t.secs);
    opt(n, "nanosecs", t.nanosecs);
}

void decode(const JsonNode& n, NetDevice& d)
{
    n.require_object();
    opt(n, "name", d.name);
}

void decode(const JsonNode& n, MemoryPolicy& m)
{
    n.require_object();
    req(n, "mode", m.mode);
    opt(n, "nodes", m.nodes);
    opt(n, "flags", m.flags);
}

void decode(const JsonNode& n, Linux& l)
{
    n.require_object();
    opt(n, "uidMappings", l.uid_mappings);
    opt(n, "gidMappings", l.gid_mappings);
    opt(n, "sysctl", l.sysctl);
    opt(n, "resources", l.resources);
    opt(n, "cgroupsPath", l.cgroups_path);
    opt(n, "namespaces", l.namespaces);
    opt(n, "devices", l.devices);
    // Kept as text (Linux::seccomp); parse_config takes it from the document's own bytes
    // when it can, and this copy is for the documents where it could not.
    if (auto s = n.member("seccomp")) l.seccomp = TextSlice(s->json().dump());
    opt(n, "rootfsPropagation", l.rootfs_propagation);
    opt(n, "maskedPaths", l.masked_paths);
    opt(n, "readonlyPaths", l.readonly_paths);
    opt(n, "mountLabel", l.mount_label);
    opt(n, "intelRdt", l.intel_rdt);
    opt(n, "personality", l.personality);
    opt(n, "timeOffsets", l.time_offsets);
    opt(n, "netDevices", l.net_devices);
    opt(n, "memoryPolicy", l.memory_policy);
}

}  // namespace berth::spec::detail
