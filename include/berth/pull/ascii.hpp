// HTTP's case-insensitive names (header fields, auth schemes and parameters) in one spelling.
#pragma once
#include <string>
#include <string_view>

namespace berth::pull {

// ASCII lower case; other bytes as they are.
std::string ascii_lower(std::string_view s);

}  // namespace berth::pull
