// Running one OCI hook process (runtime-spec config.md "POSIX-platform Hooks"): fork, execve of
// `path` with `args` and `env`, the container state JSON on its stdin, its stderr kept for the
// error message, `timeout` enforced by killing it. Everything here is prepared before it runs
// and the runner itself neither allocates nor throws, so the container init can run
// createContainer and startContainer hooks between clone and execve; berth's own side
// (hooks.hpp) runs the other hooks through the same code.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "berth/util/failure.hpp"

namespace berth::runtime {

struct PreparedHook {
    std::string where;  // its JSON path, ".hooks.createRuntime[0]", for messages
    std::string path;
    std::vector<std::string> args;                // empty: argv is {path}, as runc's
    std::optional<std::vector<std::string>> env;  // absent: the caller's default environment
    int64_t timeout_ms = 0;                       // 0: none
    // Pointers into args/env, NULL-terminated: HookList::finalize_pointers().
    std::vector<char*> argv;
    std::vector<char*> envp;
};

// The runtime-spec state JSON split around the pid: a container init learns its pid (as its pid
// namespace sees it) only after clone, and completes the JSON without allocating.
struct HookState {
    std::string head;  // {"ociVersion":…,"id":…,"status":…,"pid":
    std::string tail;  // ,"bundle":…,"annotations":{…}}
    std::string with_pid(pid_t pid) const { return head + std::to_string(pid) + tail; }
};

// The hooks of one kind, in the config's order, and the state they get.
struct HookList {
    std::vector<PreparedHook> hooks;
    HookState state;
    bool empty() const { return hooks.empty(); }
    // Fills each hook's argv/envp. Call once the list sits where the runner will read it.
    void finalize_pointers();
};

// Runs one hook to its end. True when it exited 0; otherwise false with f saying
// "hook <where> (<path>): <exec error | exited with status N | killed by SIGx | timed out>",
// followed by the end of its stderr. `pid` goes into the state; `default_envp` is the
// environment of a hook without `env`. On timeout the hook's process group is killed.
bool run_hook(const PreparedHook& hook, const HookState& state, pid_t pid, char* const* default_envp,
              Failure& f) noexcept;

// Each hook of the list in order, stopping at the first failure.
bool run_hooks(const HookList& list, pid_t pid, char* const* default_envp, Failure& f) noexcept;

}  // namespace berth::runtime
