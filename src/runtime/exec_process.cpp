#include "berth/runtime/exec_process.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "berth/linux/capabilities.hpp"
#include "berth/spec/parse.hpp"
#include "berth/spec/validate.hpp"
#include "berth/util/error.hpp"

namespace berth::runtime {

namespace {

uint32_t parse_id(std::string_view text, const std::string& flag)
{
    uint32_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    // from_chars takes no sign, space or base prefix; (uint32_t)-1 is no id (setresuid's "unchanged").
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || v == UINT32_MAX)
        throw Error(flag + " \"" + std::string(text) + "\": expected a numeric id");
    return v;
}

// KEY=VALUE replaces KEY's entry, or is added at the end.
void set_env(std::vector<std::string>& env, const std::string& entry)
{
    auto eq = entry.find('=');
    if (eq == 0 || eq == std::string::npos) throw Error("--env \"" + entry + "\": expected KEY=VALUE");
    std::string_view key(entry.data(), eq + 1);
    auto it = std::find_if(env.begin(), env.end(), [&](const std::string& e) { return e.starts_with(key); });
    if (it != env.end())
        *it = entry;
    else
        env.push_back(entry);
}

void add_cap(std::vector<std::string>& set, const std::string& name)
{
    if (std::find(set.begin(), set.end(), name) == set.end()) set.push_back(name);
}

// Flags that shape the process make no sense with --process, whose file is the whole process:
// refused rather than silently dropped (runc ignores them).
void refuse_with_process_file(const ExecOptions& o)
{
    auto refuse = [](const char* flag) {
        throw Error(std::string(flag) + " cannot be combined with --process: set it in the process file");
    };
    if (!o.args.empty()) refuse("a command after the container id");
    if (!o.cwd.empty()) refuse("--cwd");
    if (!o.env.empty()) refuse("--env");
    if (!o.user.empty()) refuse("--user");
    if (!o.additional_gids.empty()) refuse("--additional-gids");
    if (!o.caps.empty()) refuse("--cap");
    if (o.no_new_privs) refuse("--no-new-privs");
    if (!o.apparmor.empty()) refuse("--apparmor");
    if (!o.process_label.empty()) refuse("--process-label");
}

}  // namespace

void parse_exec_user(const std::string& text, spec::User& user)
{
    auto colon = text.find(':');
    std::string_view s(text);
    user.uid = parse_id(s.substr(0, colon), "--user");
    if (colon != std::string::npos) user.gid = parse_id(s.substr(colon + 1), "--user");
    user.username.clear();
}

ExecProcess exec_process(const ExecOptions& o, const spec::Process& container_process,
                         const std::optional<std::string>& file_text)
{
    ExecProcess out;
    if (!o.process_file.empty()) {
        refuse_with_process_file(o);
        out.source = ProcessSource{o.process_file, ""};
        out.process = spec::parse_process(file_text.value_or(""), o.process_file);
        // conmon passes --tty with a file that asks for a terminal: agreeing, not overriding.
        if (o.tty && !out.process.terminal)
            throw Error("--tty: " + o.process_file + " has terminal: false; set it there");
        return out;
    }
    if (o.args.empty()) throw Error("exec: no command given: berth exec [flags] ID COMMAND [ARG...]");
    spec::Process p = container_process;
    p.args = o.args;
    p.command_line.clear();
    p.terminal = o.tty;
    // The container's console size belongs to its own terminal; an exec's comes from the caller.
    p.console_size.reset();
    if (!o.cwd.empty()) p.cwd = o.cwd;
    for (const auto& e : o.env) set_env(p.env, e);
    if (!o.user.empty()) parse_exec_user(o.user, p.user);
    for (const auto& g : o.additional_gids) p.user.additional_gids.push_back(parse_id(g, "--additional-gids"));
    if (!o.caps.empty()) {
        if (!p.capabilities) p.capabilities.emplace();
        for (const auto& given : o.caps) {
            // "CAP_NET_ADMIN", also "net_admin" as capsh and docker spell it.
            std::string name = given;
            std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::toupper(c); });
            if (!name.starts_with("CAP_")) name = "CAP_" + name;
            if (!os::capability_from_name(name)) throw Error("--cap \"" + given + "\": unknown capability");
            add_cap(p.capabilities->bounding, name);
            add_cap(p.capabilities->effective, name);
            add_cap(p.capabilities->permitted, name);
        }
    }
    if (o.no_new_privs) p.no_new_privileges = true;
    if (!o.apparmor.empty()) p.apparmor_profile = o.apparmor;
    if (!o.process_label.empty()) p.selinux_label = o.process_label;
    out.source = ProcessSource{};
    // The overrides are checked like the file would be: a relative --cwd, a bad env entry.
    spec::validate_process(p, out.source.file, out.source.path);
    out.process = std::move(p);
    return out;
}

}  // namespace berth::runtime
