// Top-level config.json objects: root, mounts, process, hooks. Linux-specific objects are
// in parse_linux.cpp and parse_resources.cpp.
#include "berth/spec/parse.hpp"

#include "berth/spec/validate.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"
#include "decode.hpp"

namespace berth::spec {
namespace detail {

// Where the spec marks a field REQUIRED but Go's encoding/json (and so runc) would accept
// its absence as a zero value, we accept it too: drop-in compatibility wins.

void decode(const JsonNode& n, Root& r)
{
    n.require_object();
    req(n, "path", r.path);
    opt(n, "readonly", r.readonly);
}

void decode(const JsonNode& n, IdMapping& m)
{
    n.require_object();
    req(n, "containerID", m.container_id);
    req(n, "hostID", m.host_id);
    req(n, "size", m.size);
}

void decode(const JsonNode& n, Mount& m)
{
    n.require_object();
    req(n, "destination", m.destination);
    opt(n, "type", m.type);
    opt(n, "source", m.source);
    opt(n, "options", m.options);
    opt(n, "uidMappings", m.uid_mappings);
    opt(n, "gidMappings", m.gid_mappings);
}

void decode(const JsonNode& n, User& u)
{
    n.require_object();
    opt(n, "uid", u.uid);
    opt(n, "gid", u.gid);
    opt(n, "umask", u.umask);
    opt(n, "additionalGids", u.additional_gids);
    opt(n, "username", u.username);
}

void decode(const JsonNode& n, Box& b)
{
    n.require_object();
    opt(n, "height", b.height);
    opt(n, "width", b.width);
}

void decode(const JsonNode& n, Capabilities& c)
{
    n.require_object();
    opt(n, "bounding", c.bounding);
    opt(n, "effective", c.effective);
    opt(n, "inheritable", c.inheritable);
    opt(n, "permitted", c.permitted);
    opt(n, "ambient", c.ambient);
}

void decode(const JsonNode& n, Rlimit& r)
{
    n.require_object();
    req(n, "type", r.type);
    opt(n, "hard", r.hard);
    opt(n, "soft", r.soft);
}

void decode(const JsonNode& n, Scheduler& s)
{
    n.require_object();
    req(n, "policy", s.policy);
    opt(n, "nice", s.nice);
    opt(n, "priority", s.priority);
    opt(n, "flags", s.flags);
    opt(n, "runtime", s.runtime);
    opt(n, "deadline", s.deadline);
    opt(n, "period", s.period);
}

void decode(const JsonNode& n, IoPriority& p)
{
    n.require_object();
    req(n, "class", p.class_);
    opt(n, "priority", p.priority);
}

void decode(const JsonNode& n, ExecCpuAffinity& a)
{
    n.require_object();
    opt(n, "initial", a.initial);
    opt(n, "final", a.final);
}

void decode(const JsonNode& n, Process& p)
{
    n.require_object();
    opt(n, "terminal", p.terminal);
    opt(n, "consoleSize", p.console_size);
    opt(n, "user", p.user);
    // runc requires args and cwd for both create and exec.
    req(n, "args", p.args);
    opt(n, "commandLine", p.command_line);
    opt(n, "env", p.env);
    req(n, "cwd", p.cwd);
    opt(n, "capabilities", p.capabilities);
    opt(n, "rlimits", p.rlimits);
    opt(n, "noNewPrivileges", p.no_new_privileges);
    opt(n, "apparmorProfile", p.apparmor_profile);
    opt(n, "oomScoreAdj", p.oom_score_adj);
    opt(n, "selinuxLabel", p.selinux_label);
    opt(n, "scheduler", p.scheduler);
    opt(n, "ioPriority", p.io_priority);
    opt(n, "execCPUAffinity", p.exec_cpu_affinity);
}

void decode(const JsonNode& n, Hook& h)
{
    n.require_object();
    req(n, "path", h.path);
    opt(n, "args", h.args);
    opt(n, "env", h.env);
    opt(n, "timeout", h.timeout);
}

void decode(const JsonNode& n, Hooks& h)
{
    n.require_object();
    opt(n, "prestart", h.prestart);
    opt(n, "createRuntime", h.create_runtime);
    opt(n, "createContainer", h.create_container);
    opt(n, "startContainer", h.start_container);
    opt(n, "poststart", h.poststart);
    opt(n, "poststop", h.poststop);
}

namespace {

void decode_config(const JsonNode& n, Config& c)
{
    n.require_object();
    req(n, "ociVersion", c.oci_version);
    req(n, "root", c.root);
    opt(n, "process", c.process);
    opt(n, "hostname", c.hostname);
    opt(n, "domainname", c.domainname);
    opt(n, "mounts", c.mounts);
    opt(n, "hooks", c.hooks);
    opt(n, "annotations", c.annotations);
    opt(n, "linux", c.linux);
}

}  // namespace
}  // namespace detail

Config parse_config(std::string_view text, std::string_view source)
{
    nlohmann::json doc = parse_json(text, source);
    Config config;
    detail::decode_config(JsonNode(doc, "", source), config);
    validate(config, source);
    return config;
}

std::string read_bundle_config(const std::string& bundle_dir)
{
    std::string path = bundle_dir.empty() ? std::string(config_file_name) : path_join(bundle_dir, config_file_name);
    return read_regular_file(path, max_config_size);
}

Config load_config(const std::string& bundle_dir) { return parse_config(read_bundle_config(bundle_dir)); }

Process parse_process(std::string_view text, std::string_view source)
{
    nlohmann::json doc = parse_json(text, source);
    Process process;
    detail::decode(JsonNode(doc, "", source), process);
    validate_process(process, source, "");
    return process;
}

}  // namespace berth::spec
