// berth: an OCI runtime with runc's command line.
#include <iostream>

#include "berth/linux/seccomp.hpp"
#include "berth/util/args.hpp"
#include "berth/util/error.hpp"
#include "berth_commit.h"
#include "berth_config.h"
#include "command.hpp"
#include "flags.hpp"
#include "help.hpp"

namespace {

std::string version_text()
{
    // Lines as runc prints them; engines read the first, people the library.
    return std::string("berth version ") + BERTH_VERSION + "\ncommit: " + BERTH_COMMIT + "\nspec: " + BERTH_SPEC_VERSION +
           "\nlibseccomp: " + berth::os::seccomp_library_version();
}

struct Command {
    std::string_view name;
    void (*add)(CLI::App&, berth::cli::Action&);
};

// In the order `berth help` lists them.
constexpr Command commands[] = {
    {"create", berth::cli::add_create}, {"start", berth::cli::add_start},       {"run", berth::cli::add_run},
    {"exec", berth::cli::add_exec},     {"state", berth::cli::add_state},       {"kill", berth::cli::add_kill},
    {"delete", berth::cli::add_delete}, {"list", berth::cli::add_list},         {"ps", berth::cli::add_ps},
    {"pause", berth::cli::add_pause},   {"resume", berth::cli::add_resume},     {"update", berth::cli::add_update},
    {"events", berth::cli::add_events}, {"spec", berth::cli::add_spec},         {"features", berth::cli::add_features},
};

const Command* find_command_entry(std::string_view name)
{
    for (const Command& c : commands)
        if (c.name == name) return &c;
    return nullptr;
}

}  // namespace

int main(int argc, char** argv)
{
    using namespace berth;
    using namespace berth::cli;

    // Answered before CLI11, which reports --version by throwing: the first throw in a static
    // binary sorts every unwind table (~3 ms), and engines call --version at every start-up.
    if (argc == 2 && (std::string_view(argv[1]) == "--version" || std::string_view(argv[1]) == "-v" ||
                      std::string_view(argv[1]) == "-version")) {
        std::cout << version_text() << '\n';
        return 0;
    }

    // Never destroyed: tearing down CLI11's option tree is measurable and the process exits next.
    CLI::App& app = *new CLI::App{"berth: an OCI container runtime", "berth"};
    app.require_subcommand(1);
    app.set_version_flag("-v,--version", version_text());
    GlobalOptions g;
    g.argv = argv;
    g.root = default_root();
    app.add_option("--root", g.root, "directory for container state")->capture_default_str();
    app.add_option("--log", g.log, "log file (default: stderr only)");
    app.add_option("--log-format", g.log_format, "text or json")->check(CLI::IsMember({"text", "json"}));
    app.add_flag("--debug", g.debug, "debug logging");
    app.add_flag("--systemd-cgroup", g.systemd_cgroup, "use the systemd cgroup driver");
    app.add_option("--rootless", g.rootless, "true, false or auto");
    app.add_option("--cgroup-manager", g.cgroup_manager, "cgroupfs, systemd or disabled");

    // Only the command asked for is registered: building all sixteen with their options and
    // validators cost more heap pages (each a page fault, ~11 us on a nested VM) than the run
    // itself needs. All of them for help, for no command, and for a name berth does not know.
    const std::vector<std::string> raw(argv + 1, argv + argc);
    Action action;
    {
        const FlagNames globals = flag_names(app);
        std::string wanted = find_command(normalize_single_dash(raw, globals.long_names), globals.global_with_value);
        const Command* only = asks_for_help(raw) ? nullptr : find_command_entry(wanted);
        if (only) {
            only->add(app, action);
        } else {
            for (const Command& c : commands) c.add(app, action);
            install_help(app, action);
        }
    }

    // The single-dash spellings and the global flags that take a value come from the options
    // registered above.
    const FlagNames flags = flag_names(app);
    std::vector<std::string> args = normalize_single_dash(raw, flags.long_names);
    if (auto exec = app.get_subcommands([](const CLI::App* sub) { return sub->get_name() == "exec"; }); !exec.empty())
        args = end_exec_options(raw, args, flags.global_with_value, options_with_value(*exec.front()));
    // An unknown command fails even with --help: engines probe `checkpoint --help` and take
    // exit status 0 as "supported".
    std::string command = find_command(args, flags.global_with_value);
    auto known = app.get_subcommands([&](CLI::App* sub) { return sub->get_name() == command; });
    if (!command.empty() && known.empty()) {
        Logger log;
        log.error(asks_for_help(args) ? no_help_topic(command) : "unknown command \"" + command + "\"");
        return 1;
    }
    // CLI11 wants its arguments reversed when given as a vector.
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    Logger log;
    try {
        app.parse(reversed);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion&) {
        std::cout << version_text() << '\n';
        return 0;
    } catch (const CLI::ParseError& e) {
        try {
            log.open(g.log, g.log_format == "json" ? LogFormat::json : LogFormat::text, g.debug);
        } catch (const Error&) {
        }
        log.error(e.what());
        return 1;
    }
    try {
        log.open(g.log, g.log_format == "json" ? LogFormat::json : LogFormat::text, g.debug);
        return action ? action(g, log) : 0;
    } catch (const Error& e) {
        log.error(e.what());
    } catch (const std::exception& e) {
        log.error(e.what());
    }
    return 1;
}
