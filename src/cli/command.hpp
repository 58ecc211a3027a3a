// What every command file shares: global options, the action a command leaves to run after
// parsing, and the registration functions (one per command, each in its own file).
#pragma once
#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "berth/runtime/launch.hpp"
#include "berth/util/log.hpp"

namespace berth::cli {

struct GlobalOptions {
    std::string root = "/run/berth";
    std::string log;
    std::string log_format = "text";
    bool debug = false;
    bool systemd_cgroup = false;
    std::string rootless = "auto";
    std::string cgroup_manager;
    char** argv = nullptr;  // main's, for the read-only re-exec of create and run
};

// --root's default, as runc's: $XDG_RUNTIME_DIR/berth for a user other than root (where
// XDG_RUNTIME_DIR is set), /run/berth otherwise.
std::string default_root();

// Set by the parsed subcommand; returns the process exit status.
using Action = std::function<int(const GlobalOptions&, const Logger&)>;

// Checks the global options and builds the runtime context. Options berth cannot honour yet
// fail here with a clear message instead of being ignored.
runtime::Context make_context(const GlobalOptions& g, const Logger& log);

// Adds create's flags (shared with run) to a subcommand.
void add_create_flags(CLI::App& sub, runtime::CreateOptions& o);

void add_create(CLI::App& app, Action& action);
void add_start(CLI::App& app, Action& action);
void add_run(CLI::App& app, Action& action);
void add_exec(CLI::App& app, Action& action);
void add_state(CLI::App& app, Action& action);
void add_kill(CLI::App& app, Action& action);
void add_delete(CLI::App& app, Action& action);
void add_list(CLI::App& app, Action& action);
void add_ps(CLI::App& app, Action& action);
void add_pause(CLI::App& app, Action& action);
void add_resume(CLI::App& app, Action& action);
void add_update(CLI::App& app, Action& action);
void add_events(CLI::App& app, Action& action);
void add_spec(CLI::App& app, Action& action);
void add_features(CLI::App& app, Action& action);

}  // namespace berth::cli
