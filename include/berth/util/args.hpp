// runc's command line accepts single-dash long flags ("-root /x", "-no-subreaper"), which CLI11
// does not; rewrite them to the double-dash form before parsing.
#pragma once
#include <set>
#include <string>
#include <vector>

namespace berth {

// Rewrites "-name" and "-name=value" to "--name..." when `name` is in `long_flags`. Stops at
// "--" and at index `stop` (where a container's own command line begins; npos: never).
std::vector<std::string> normalize_single_dash(const std::vector<std::string>& args, const std::set<std::string>& long_flags,
                                               size_t stop = static_cast<size_t>(-1));

// The command word: the first argument that is neither a flag nor the value of one of
// `flags_with_value` given as a separate argument ("--root X"). Empty when there is none.
std::string find_command(const std::vector<std::string>& args, const std::set<std::string>& flags_with_value);

// The index of the first operand at or after `from`: an argument that is neither a flag nor the
// value of one of `flags_with_value`; npos when there is none or "--" comes first.
size_t find_operand(const std::vector<std::string>& args, size_t from, const std::set<std::string>& flags_with_value);

// `berth exec [flags] ID COMMAND...`: "--" goes after ID, so that COMMAND's own flags
// ("sh -c", "ls -l") are never taken for berth's; `exec_with_value` are exec's flags that take
// a value. Arguments after ID are taken from `raw` (before normalize_single_dash), the rest from
// `normalized`; both have the same length. Returns `normalized` unchanged for other commands.
std::vector<std::string> end_exec_options(const std::vector<std::string>& raw, const std::vector<std::string>& normalized,
                                          const std::set<std::string>& global_with_value,
                                          const std::set<std::string>& exec_with_value);

}  // namespace berth
