// The flag names the pre-parse steps of main() need, read from CLI11's own option tree once
// every command is registered, so that a new flag cannot miss its runc spelling ("-flag").
#pragma once
#include <set>
#include <string>

#include <CLI/CLI.hpp>

namespace berth::cli {

struct FlagNames {
    // Every long name of the app and of its subcommands, without dashes ("root", "bundle"):
    // what normalize_single_dash rewrites from "-name" to "--name".
    std::set<std::string> long_names;
    // The app's own flags that take a value, spelled as on the command line ("--root", "-x"):
    // find_command skips the argument after them.
    std::set<std::string> global_with_value;
};

FlagNames flag_names(const CLI::App& app);
// The options of `app` itself that take a value, spelled as on the command line.
std::set<std::string> options_with_value(const CLI::App& app);

}  // namespace berth::cli
