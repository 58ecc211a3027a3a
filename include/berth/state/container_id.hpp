// Container id validation. Ids become directory names under --root, so they are checked
// before anything touches the disk.
#pragma once
#include <cstddef>
#include <string_view>

namespace berth::state {

inline constexpr std::size_t max_container_id_length = 1024;

// Valid: 1..1024 chars of [A-Za-z0-9_+.-], not "." or "..". A '/' can never appear,
// so an id always names exactly one entry in the root directory.
bool is_valid_container_id(std::string_view id) noexcept;

// Throws Error("invalid container id \"<id>\": <why>").
void validate_container_id(std::string_view id);

}  // namespace berth::state
