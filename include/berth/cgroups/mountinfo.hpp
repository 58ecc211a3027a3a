// Pure parsers for /proc/self/mountinfo and /proc/<pid>/cgroup text; no I/O here so they
// can be tested with samples from any kind of host.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "berth/cgroups/mode.hpp"

namespace berth::cgroups {

// Where every cgroup hierarchy lives on this host.
inline constexpr std::string_view cgroup_base = "/sys/fs/cgroup";

// One mounted cgroup hierarchy.
struct CgroupMount {
    std::string mount_point;               // e.g. /sys/fs/cgroup/cpu,cpuacct
    std::string root;                      // cgroup shown at mount_point ("/" unless a sub-tree is bind-mounted)
    std::vector<std::string> controllers;  // v1: "cpu", "cpuacct", "name=systemd"...; v2: empty
    bool is_v2 = false;

    bool has(std::string_view controller) const;
};

// The visible cgroup hierarchies under `base`.
struct CgroupLayout {
    Mode mode = Mode::v1;
    std::vector<CgroupMount> v1;     // one per hierarchy (duplicate mounts of one hierarchy dropped)
    std::optional<CgroupMount> v2;   // at base itself (unified) or a direct child of it (hybrid)

    bool empty() const { return v1.empty() && !v2; }
};

// Parses /proc/self/mountinfo text. Only mounts at `base` (cgroup2) or directly below it count,
// and mounts shadowed by a later mount on the same or an ancestor path are ignored (e.g. cgroup2
// mounted over the tmpfs holding the v1 hierarchies).
CgroupLayout parse_cgroup_layout(std::string_view mountinfo, std::string_view base = cgroup_base);

// One line of /proc/<pid>/cgroup: "4:memory:/x", "1:name=systemd:/x", "0::/x" (v2).
struct ProcCgroup {
    int hierarchy_id = 0;
    std::vector<std::string> controllers;  // empty for the v2 line
    std::string path;
};
std::vector<ProcCgroup> parse_proc_cgroup(std::string_view text);

// The cgroup a process is in within `mount`'s hierarchy, as /proc/<pid>/cgroup shows it.
std::optional<std::string> find_own_cgroup(const std::vector<ProcCgroup>& entries, const CgroupMount& mount);

}  // namespace berth::cgroups
