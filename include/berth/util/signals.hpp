// Signal names and numbers as container engines send them: "KILL", "SIGKILL", "9", "sigterm".
#pragma once
#include <optional>
#include <string_view>

namespace berth {

// nullopt for an unknown name or a number outside 1..SIGRTMAX.
std::optional<int> parse_signal(std::string_view text);

}  // namespace berth
