// Lists which linux.resources fields a spec sets, for "not applied" warnings.
#pragma once
#include <string>
#include <vector>

#include "berth/spec/config.hpp"

namespace berth::spec {

// JSON paths of every set field, in spec order, e.g. ".linux.resources.memory.limit",
// ".linux.resources.devices" (non-empty arrays/maps are reported as a whole, except
// unified and rdma, which are reported per key: `.linux.resources.unified["memory.max"]`).
std::vector<std::string> set_resource_fields(const Resources& resources);

}  // namespace berth::spec
