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

    Action action;
    add_create(app, action);
    add_start(app, action);
    add_run(app, action);
    add_exec(app, action);
    add_state(app, action);
    add_kill(app, action);
    add_delete(app, action);
    add_list(app, action);
    add_ps(app, action);
    add_pause(app, action);
    add_resume(app, action);
    add_update(app, action);
    add_events(app, action);
    add_spec(app, action);
    add_features(app, action);
    install_help(app, action);

    // The single-dash spellings and the global flags that take a value come from the options
    // registered above.
    const FlagNames flags = flag_names(app);
    const std::vector<std::string> raw(argv + 1, argv + argc);
    std::vector<std::string> args = normalize_single_dash(raw, flags.long_names);
    args = end_exec_options(raw, args, flags.global_with_value, options_with_value(*app.get_subcommand("exec")));
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
