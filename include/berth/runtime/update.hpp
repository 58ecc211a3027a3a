// `update`: new resource limits for a created, running or paused container, as runc's update:
// a linux.resources object (--resources FILE or -, containerd's and CRI-O's way) with the
// flags on top, merged into the container's stored config, applied to its cgroup, stored.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "berth/runtime/launch.hpp"

namespace berth::runtime {

// `update` is a linux.resources object, JSON null members meaning "unchanged". Devices are
// not updated (as by runc). Throws with the JSON path of a bad field.
void update_container(const Context& ctx, const std::string& id, const nlohmann::json& update);

// The update's members merged into a stored config.json's linux.resources: objects member by
// member (memory, cpu, pids, blockIO, network, unified, rdma), everything else replaced.
// Returns the new config text. Exposed for the unit tests.
std::string merge_resources(const std::string& config_text, const nlohmann::json& update);

}  // namespace berth::runtime
