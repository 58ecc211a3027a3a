// Which cgroup layout the host uses.
#pragma once
#include <optional>
#include <string_view>

namespace berth::cgroups {

// v1: only v1 hierarchies; hybrid: v1 hierarchies plus cgroup2 at /sys/fs/cgroup/unified;
// unified: cgroup2 mounted at /sys/fs/cgroup.
enum class Mode { v1, hybrid, unified };

// statfs("/sys/fs/cgroup"): cgroup2 -> unified; else hybrid if /sys/fs/cgroup/unified is
// cgroup2; else v1. Throws when /sys/fs/cgroup cannot be examined.
Mode detect_mode();

// "v1", "hybrid", "unified" (the form stored in state.json).
std::string_view mode_name(Mode m) noexcept;
std::optional<Mode> parse_mode(std::string_view s) noexcept;

}  // namespace berth::cgroups
