// Top-level config.json objects: root, mounts, process, hooks. Linux-specific objects are
// in parse_linux.cpp and parse_resources.cpp.
#include "berth/spec/parse.hpp"

#include "berth/spec/validate.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"
#include "berth/util/json_span.hpp"
#include "decode.hpp"
#include "validate_util.hpp"

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

namespace {

// The document without linux.seccomp's value, and where that value is: the profile is
// neither parsed into a tree here nor decoded (see Linux::seccomp). nullopt when the text
// does not show the member unambiguously (find_nested_member) or the rest is not a document in
// which linux.seccomp is null; the caller then parses the whole text.
std::optional<std::pair<nlohmann::json, JsonSpan>> split_seccomp(std::string_view text)
{
    JsonMember m = find_nested_member(text, "linux", "seccomp");
    if (m.found != JsonMember::Found::yes) return std::nullopt;
    std::string_view value = text.substr(m.value.begin, m.value.end - m.value.begin);
    if (value == "null") return std::nullopt;
    std::string rest;
    rest.reserve(text.size() - value.size() + 4);
    rest.append(text.substr(0, m.value.begin)).append("null").append(text.substr(m.value.end));
    nlohmann::json doc = nlohmann::json::parse(rest, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) return std::nullopt;
    auto lx = doc.find("linux");
    if (lx == doc.end() || !lx->is_object()) return std::nullopt;
    auto seccomp = lx->find("seccomp");
    if (seccomp == lx->end() || !seccomp->is_null()) return std::nullopt;
    return std::pair{std::move(doc), m.value};
}

// `shared` holds `text` when the caller already shares it; otherwise linux.seccomp's slice
// gets a copy of its own.
Config parse(std::string_view text, const std::shared_ptr<const std::string>& shared, std::string_view source)
{
    Config config;
    if (auto split = split_seccomp(text)) {
        detail::decode_config(JsonNode(split->first, "", source), config);
        auto [begin, end] = split->second;
        config.linux->seccomp = shared ? TextSlice(shared, begin, end) : TextSlice(std::string(text.substr(begin, end - begin)));
    } else {
        nlohmann::json doc = parse_json(text, source);
        detail::decode_config(JsonNode(doc, "", source), config);
    }
    validate(config, source);
    return config;
}

}  // namespace

Config parse_config(std::string_view text, std::string_view source) { return parse(text, nullptr, source); }

Config parse_config(std::shared_ptr<const std::string> text, std::string_view source)
{
    return parse(*text, text, source);
}

std::optional<Hooks> parse_config_hooks(std::string_view text, std::string_view source)
{
    JsonMember m = find_member(text, "hooks");
    if (m.found == JsonMember::Found::no) return std::nullopt;
    if (m.found == JsonMember::Found::unclear) return parse_config(text, source).hooks;
    constexpr std::string_view path = ".hooks";
    nlohmann::json doc = parse_json_at(text.substr(m.value.begin, m.value.end - m.value.begin), source, path);
    if (doc.is_null()) return std::nullopt;
    Hooks hooks;
    detail::decode(JsonNode(doc, std::string(path), source), hooks);
    detail::check_hooks(detail::Checker{source}, hooks);
    return hooks;
}

Seccomp parse_seccomp(std::string_view text, std::string_view source)
{
    constexpr std::string_view path = ".linux.seccomp";
    nlohmann::json doc = parse_json_at(text, source, path);
    Seccomp s;
    detail::decode(JsonNode(doc, std::string(path), source), s);
    detail::check_seccomp(detail::Checker{source}, s);
    return s;
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
