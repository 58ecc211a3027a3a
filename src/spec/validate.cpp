// Semantic validation of the non-linux parts of a spec: version, root, mounts, process, hooks.
#include "berth/spec/validate.hpp"

#include <cctype>
#include <set>

#include "berth/linux/capabilities.hpp"
#include "berth/linux/process_attrs.hpp"
#include "validate_util.hpp"

namespace berth::spec {

namespace detail {
namespace {

// Accepts 1.MINOR[.PATCH] with an optional -prerelease or +build suffix.
bool is_v1(std::string_view v)
{
    if (!v.starts_with("1.")) return false;
    v.remove_prefix(2);
    auto number = [&v] {
        size_t n = 0;
        while (n < v.size() && std::isdigit(static_cast<unsigned char>(v[n]))) ++n;
        v.remove_prefix(n);
        return n > 0;
    };
    if (!number()) return false;
    if (v.starts_with(".")) {
        v.remove_prefix(1);
        if (!number()) return false;
    }
    return v.empty() || v.front() == '-' || v.front() == '+';
}

void check_mounts(const Checker& c, const std::vector<Mount>& mounts)
{
    for (size_t i = 0; i < mounts.size(); ++i) {
        std::string p = item(".mounts", i);
        const Mount& m = mounts[i];
        c.absolute(field(p, "destination"), m.destination);
        bool bind = m.type == "bind";
        for (const auto& o : m.options) bind = bind || o == "bind" || o == "rbind";
        if (bind && m.source.empty()) c.fail(field(p, "source"), "required for a bind mount");
        if (!bind && m.type.empty()) c.fail(field(p, "type"), "required for a mount that is not a bind mount");
        check_id_mappings(c, field(p, "uidMappings"), m.uid_mappings);
        check_id_mappings(c, field(p, "gidMappings"), m.gid_mappings);
    }
}

}  // namespace

void check_hooks(const Checker& c, const Hooks& hooks)
{
    auto check = [&c](std::string_view name, const std::vector<Hook>& list) {
        for (size_t i = 0; i < list.size(); ++i) {
            std::string p = item(field(".hooks", name), i);
            c.absolute(field(p, "path"), list[i].path);
            if (list[i].timeout && *list[i].timeout <= 0) c.fail(field(p, "timeout"), "must be greater than 0");
        }
    };
    check("prestart", hooks.prestart);
    check("createRuntime", hooks.create_runtime);
    check("createContainer", hooks.create_container);
    check("startContainer", hooks.start_container);
    check("poststart", hooks.poststart);
    check("poststop", hooks.poststop);
}

namespace {

void check_rlimits(const Checker& c, std::string_view path, const std::vector<Rlimit>& rlimits)
{
    std::set<std::string_view> seen;
    for (size_t i = 0; i < rlimits.size(); ++i) {
        const Rlimit& r = rlimits[i];
        std::string p = item(path, i);
        if (!rlimit_from_name(r.type)) c.fail(field(p, "type"), "unknown rlimit " + in_quotes(r.type));
        if (!seen.insert(r.type).second) c.fail(field(p, "type"), "duplicate rlimit " + in_quotes(r.type));
        if (r.soft > r.hard)
            c.fail(field(p, "soft"),
                   "soft limit " + std::to_string(r.soft) + " exceeds hard limit " + std::to_string(r.hard));
    }
}

void check_capabilities(const Checker& c, std::string_view path, const Capabilities& caps)
{
    auto check = [&](std::string_view set, const std::vector<std::string>& names) {
        for (size_t i = 0; i < names.size(); ++i)
            if (!os::capability_from_name(names[i]))
                c.fail(item(field(path, set), i), "unknown capability " + in_quotes(names[i]));
    };
    check("bounding", caps.bounding);
    check("effective", caps.effective);
    check("inheritable", caps.inheritable);
    check("permitted", caps.permitted);
    check("ambient", caps.ambient);
}

void check_env(const Checker& c, std::string_view path, const std::vector<std::string>& env)
{
    for (size_t i = 0; i < env.size(); ++i) {
        const std::string& e = env[i];
        auto eq = e.find('=');
        if (eq == std::string::npos) c.fail(item(path, i), "invalid environment variable " + in_quotes(e) + ": missing '='");
        if (eq == 0) c.fail(item(path, i), "environment variable name must not be empty");
    }
}

void check_priorities(const Checker& c, std::string_view path, const Process& p)
{
    if (p.scheduler) {
        std::string s = field(path, "scheduler");
        if (!os::sched_policy(p.scheduler->policy))
            c.fail(field(s, "policy"), "unknown scheduler policy " + in_quotes(p.scheduler->policy));
        for (size_t i = 0; i < p.scheduler->flags.size(); ++i)
            if (!os::sched_flag(p.scheduler->flags[i]))
                c.fail(item(field(s, "flags"), i), "unknown scheduler flag " + in_quotes(p.scheduler->flags[i]));
        if (p.scheduler->nice < -20 || p.scheduler->nice > 19) c.fail(field(s, "nice"), "must be between -20 and 19");
    }
    if (p.exec_cpu_affinity) {
        std::vector<unsigned> cpus;
        const auto& a = *p.exec_cpu_affinity;
        std::string af = field(path, "execCPUAffinity");
        if (!a.initial.empty() && !os::parse_id_list(a.initial, CPU_SETSIZE, cpus))
            c.fail(field(af, "initial"), "invalid CPU list " + in_quotes(a.initial));
        if (!a.final.empty() && !os::parse_id_list(a.final, CPU_SETSIZE, cpus))
            c.fail(field(af, "final"), "invalid CPU list " + in_quotes(a.final));
    }
    if (p.io_priority) {
        std::string io = field(path, "ioPriority");
        if (!os::ioprio_class(p.io_priority->class_))
            c.fail(field(io, "class"), "unknown I/O priority class " + in_quotes(p.io_priority->class_));
        if (p.io_priority->priority < 0 || p.io_priority->priority > 7)
            c.fail(field(io, "priority"), "must be between 0 and 7");
    }
    if (p.oom_score_adj && (*p.oom_score_adj < -1000 || *p.oom_score_adj > 1000))
        c.fail(field(path, "oomScoreAdj"), "must be between -1000 and 1000");
}

}  // namespace
}  // namespace detail

void validate_process(const Process& p, std::string_view source, std::string_view path)
{
    using namespace detail;
    Checker c{source};
    if (p.args.empty()) c.fail(field(path, "args"), "must not be empty");
    c.absolute(field(path, "cwd"), p.cwd);
    check_env(c, field(path, "env"), p.env);
    check_rlimits(c, field(path, "rlimits"), p.rlimits);
    if (p.capabilities) check_capabilities(c, field(path, "capabilities"), *p.capabilities);
    check_priorities(c, path, p);
}

void validate(const Config& config, std::string_view source)
{
    using namespace detail;
    Checker c{source};
    if (!is_v1(config.oci_version))
        c.fail(".ociVersion", "unsupported version " + in_quotes(config.oci_version) + " (want 1.x)");
    if (config.root.path.empty()) c.fail(".root.path", "must not be empty");
    check_mounts(c, config.mounts);
    if (config.process) validate_process(*config.process, source, ".process");
    if (config.hooks) check_hooks(c, *config.hooks);
    validate_linux(c, config);
}

}  // namespace berth::spec
