// Capability names and numbers, from libcap: the one table berth uses (spec validation,
// the process plan, `features`).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace berth::os {

// "CAP_CHOWN" -> 0. Strict: only the spec's spelling (upper case, "CAP_" prefix); libcap's
// own lookup would also take "chown", "cap_chown" or "5". nullopt for names libcap does not know.
std::optional<int> capability_from_name(std::string_view name);

// 0 -> "CAP_CHOWN"; "" for a number libcap has no name for.
std::string capability_name(int cap);

// Every capability libcap names, in number order ("CAP_CHOWN" ... ), for `features`.
std::vector<std::string> capability_names();

// Highest capability the running kernel knows, +1.
unsigned capability_count();

}  // namespace berth::os
