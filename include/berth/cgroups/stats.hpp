// A container's cgroup statistics in runc's `events` format (runc's types/events.go: what
// containerd's runc shim and other clients decode): cpu, memory, pids, blkio, hugetlb, read
// from whichever hierarchy holds each controller, v1 or v2.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <vector>

#include "berth/cgroups/manager.hpp"

namespace berth::cgroups {

// The "data" object of a {"type":"stats"} event. Controllers the host lacks are left out.
nlohmann::ordered_json read_stats(const std::vector<Hierarchy>& hierarchies);

// The hierarchy holding `controller` ("memory", "pids"...): a v1 one named after it, else the
// unified one when it has the controller's files; nullptr when none does.
const Hierarchy* controller_hierarchy(const std::vector<Hierarchy>& hierarchies, std::string_view controller);

// OOM kills so far in the container's memory cgroup (v2 memory.events oom_kill, v1
// memory.oom_control oom_kill); nullopt when the kernel does not count them.
std::optional<uint64_t> oom_kills(const std::vector<Hierarchy>& hierarchies);

}  // namespace berth::cgroups
