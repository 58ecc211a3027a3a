// Memory sizes as runc's update flags take them (Docker's RAMInBytes): "512", "64m", "1.5g",
// "2GiB", binary multiples; "-1" means unlimited.
#pragma once
#include <cstdint>
#include <string_view>

namespace berth::cli {

// Throws Error "<flag>: invalid size \"<text>\"".
int64_t parse_memory_size(std::string_view text, std::string_view flag);

}  // namespace berth::cli
