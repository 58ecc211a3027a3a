// runc-style help: `berth -h`, `berth help [COMMAND]`, `berth COMMAND -h`.
#pragma once
#include <string>
#include <vector>

#include "command.hpp"

namespace berth::cli {

// Adds the `help` command and gives berth and every command runc's help layout (NAME, USAGE,
// COMMANDS / OPTIONS). Call once every other command is registered.
void install_help(CLI::App& app, Action& action);

// The error for help on a command that does not exist, in runc's words.
std::string no_help_topic(const std::string& command);

// The arguments ask for help (-h or --help before any "--").
bool asks_for_help(const std::vector<std::string>& args);

}  // namespace berth::cli
