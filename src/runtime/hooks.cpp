#include "berth/runtime/hooks.hpp"

#include <chrono>
#include <nlohmann/json.hpp>

#include "berth/spec/version.hpp"
#include "berth/util/error.hpp"

extern char** environ;

namespace berth::runtime {

namespace {

using Clock = std::chrono::steady_clock;

void debug_ran(const Logger& log, const PreparedHook& h, Clock::time_point start)
{
    log.debug_lazy([&] {
        auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
        return "hook " + h.where + " (" + h.path + ") ran in " + std::to_string(us / 1000) + "." +
               std::to_string(us % 1000 / 100) + " ms";
    });
}

template <class OnFailure>
void run_each(const std::optional<spec::Hooks>& hooks, HookKind kind, const HookState& state, pid_t pid, const Logger& log,
              OnFailure&& on_failure)
{
    HookList list = prepare_hooks(hooks, kind, state);
    list.finalize_pointers();
    for (const auto& h : list.hooks) {
        auto start = Clock::now();
        Failure f;
        if (run_hook(h, list.state, pid, environ, f))
            debug_ran(log, h, start);
        else
            on_failure(failure_error(f));
    }
}

}  // namespace

std::string_view hook_kind_name(HookKind kind)
{
    switch (kind) {
    case HookKind::prestart: return "prestart";
    case HookKind::create_runtime: return "createRuntime";
    case HookKind::create_container: return "createContainer";
    case HookKind::start_container: return "startContainer";
    case HookKind::poststart: return "poststart";
    case HookKind::poststop: return "poststop";
    }
    return "?";
}

const std::vector<spec::Hook>& hooks_of(const std::optional<spec::Hooks>& hooks, HookKind kind)
{
    static const std::vector<spec::Hook> none;
    if (!hooks) return none;
    const spec::Hooks& h = *hooks;
    switch (kind) {
    case HookKind::prestart: return h.prestart;
    case HookKind::create_runtime: return h.create_runtime;
    case HookKind::create_container: return h.create_container;
    case HookKind::start_container: return h.start_container;
    case HookKind::poststart: return h.poststart;
    case HookKind::poststop: return h.poststop;
    }
    return none;
}

HookState hook_state(const std::string& id, std::string_view status, const std::string& bundle,
                     const std::map<std::string, std::string>& annotations)
{
    // runc's field order (specs-go State): ociVersion, id, status, pid, bundle, annotations.
    nlohmann::ordered_json head;
    head["ociVersion"] = spec::oci_version;
    head["id"] = id;
    head["status"] = status;
    nlohmann::ordered_json tail;
    tail["bundle"] = bundle;
    if (!annotations.empty()) tail["annotations"] = annotations;
    // Spliced: head's closing brace and tail's opening one become the commas around the pid.
    HookState out{head.dump(), tail.dump()};
    out.head.back() = ',';
    out.head += "\"pid\":";
    out.tail.front() = ',';
    return out;
}

HookList prepare_hooks(const std::optional<spec::Hooks>& hooks, HookKind kind, HookState state)
{
    HookList out;
    out.state = std::move(state);
    const auto& list = hooks_of(hooks, kind);
    out.hooks.reserve(list.size());
    for (size_t i = 0; i < list.size(); ++i) {
        const spec::Hook& h = list[i];
        PreparedHook p;
        p.where = ".hooks." + std::string(hook_kind_name(kind)) + "[" + std::to_string(i) + "]";
        p.path = h.path;
        p.args = h.args;
        p.env = h.env;
        p.timeout_ms = h.timeout ? int64_t{*h.timeout} * 1000 : 0;
        out.hooks.push_back(std::move(p));
    }
    return out;
}

void run_hooks(const std::optional<spec::Hooks>& hooks, HookKind kind, const HookState& state, pid_t pid,
               const Logger& log)
{
    run_each(hooks, kind, state, pid, log, [](Error e) { throw e; });
}

void run_hooks_warn_only(const std::optional<spec::Hooks>& hooks, HookKind kind, const HookState& state, pid_t pid,
                         const Logger& log)
{
    run_each(hooks, kind, state, pid, log, [&](const Error& e) { log.warn(e.message()); });
}

}  // namespace berth::runtime
