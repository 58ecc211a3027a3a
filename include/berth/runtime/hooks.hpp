// OCI hooks (runtime-spec config.md "POSIX-platform Hooks", runtime.md "Lifecycle"): which kind
// runs where, the state each one gets, and berth's side of running them.
//
//  kind             runs in                          when                                  state status
//  prestart         berth (runtime namespace)        create, handshake step 6, before      created
//                                                    createRuntime
//  createRuntime    berth (runtime namespace)        create, handshake step 6              creating
//  createContainer  the init (container namespaces,  create, after step 7, before          creating
//                   path resolved in the host's      pivot_root
//                   tree, not yet pivoted away)
//  startContainer   the init (in the container,      start (or run), after the exec fifo,  created
//                   as its process, path in the      just before execve
//                   container)
//  poststart        berth                            start or run, once the process runs   running
//  poststop         berth                            delete, run's removal, a failed        stopped
//                                                    create; from the stored config
//
// Statuses and pids follow runc, except prestart's (below). createContainer and startContainer
// get the init's pid as the container's pid namespace sees it (getpid() in the init, 1 with a
// pid namespace of its own), as runc sends; the others the init's host pid, poststop 0.
// prestart gets "created": the lifecycle runs it after the create step (runtime.md, step 3),
// crun sends that, and runtime-tools' hooks_stdin test requires it; runc sends "creating".
//
// A failing prestart, createRuntime, createContainer or startContainer hook fails the
// operation with the hook's JSON path; poststart and poststop failures are warnings (the
// runtime-spec berth implements, 1.2.0; 1.3.0 makes a poststart failure stop the container).
#pragma once
#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "berth/runtime/hook_exec.hpp"
#include "berth/spec/config.hpp"
#include "berth/util/log.hpp"

namespace berth::runtime {

enum class HookKind { prestart, create_runtime, create_container, start_container, poststart, poststop };
inline constexpr HookKind hook_kinds[] = {HookKind::prestart,        HookKind::create_runtime,
                                          HookKind::create_container, HookKind::start_container,
                                          HookKind::poststart,       HookKind::poststop};

// The config.json member name: "prestart", "createRuntime", ...
std::string_view hook_kind_name(HookKind kind);
// A config's hooks (Config::hooks) of that kind, in order (empty when none).
const std::vector<spec::Hook>& hooks_of(const std::optional<spec::Hooks>& hooks, HookKind kind);

// The runtime-spec state (ociVersion, id, status, pid, bundle, annotations), pid left open.
HookState hook_state(const std::string& id, std::string_view status, const std::string& bundle,
                     const std::map<std::string, std::string>& annotations);

// The hooks of `kind`, ready for run_hooks() once finalize_pointers() was called.
HookList prepare_hooks(const std::optional<spec::Hooks>& hooks, HookKind kind, HookState state);

// berth's side: runs the hooks of `kind` in order with the state for `pid`, each hook
// without `env` in berth's environment. Throws Error naming the first hook that fails.
void run_hooks(const std::optional<spec::Hooks>& hooks, HookKind kind, const HookState& state, pid_t pid,
               const Logger& log);
// The same, but every hook runs and each failure is a warning (poststart, poststop).
void run_hooks_warn_only(const std::optional<spec::Hooks>& hooks, HookKind kind, const HookState& state, pid_t pid,
                         const Logger& log);

}  // namespace berth::runtime
