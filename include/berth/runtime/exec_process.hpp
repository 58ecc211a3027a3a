// `berth exec`: the process object to run, from `--process FILE` (runtime-spec's process
// JSON, as containerd sends it) or from the container's own `.process` with the command line's
// arguments and overrides (as podman and people do). Pure: unit-tested without a container.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "berth/runtime/process_plan.hpp"
#include "berth/spec/config.hpp"

namespace berth::runtime {

struct ExecOptions {
    std::string id;
    std::vector<std::string> args;  // the command after the id
    std::string process_file;       // --process
    bool detach = false;
    std::string pid_file;
    std::string console_socket;
    bool tty = false;
    std::string cwd;
    std::vector<std::string> env;              // --env KEY=VALUE, repeatable
    std::string user;                          // --user UID[:GID]
    std::vector<std::string> additional_gids;  // --additional-gids, repeatable
    std::vector<std::string> caps;             // --cap, repeatable
    bool no_new_privs = false;
    std::string apparmor;       // --apparmor
    std::string process_label;  // --process-label
    int preserve_fds = 0;
    bool ignore_paused = false;
};

struct ExecProcess {
    spec::Process process;
    ProcessSource source;  // where errors point: the --process file, or config.json .process
};

// `file_text` is the --process file's content when opts.process_file is set. Throws Error with
// the flag or the file and JSON path at fault.
ExecProcess exec_process(const ExecOptions& opts, const spec::Process& container_process,
                         const std::optional<std::string>& file_text);

// --user: "UID" or "UID:GID", decimal, nothing else (SECURITY.md #13: "-u 1" is uid 1; a name or
// garbage is an error, never root).
void parse_exec_user(const std::string& text, spec::User& user);

}  // namespace berth::runtime
