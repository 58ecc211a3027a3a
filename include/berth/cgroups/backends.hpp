// Internal: the concrete managers behind make_manager / load_manager.
#pragma once
#include <memory>
#include <optional>

#include "berth/cgroups/manager.hpp"
#include "berth/cgroups/v1.hpp"
#include "berth/cgroups/v2.hpp"

namespace berth::cgroups {

// v1 alone (Mode::v1), v2 alone (Mode::unified) or both (Mode::hybrid: v1 controllers plus the
// unified hierarchy systemd tracks processes in).
std::unique_ptr<Manager> make_fs_manager(Mode mode, std::optional<V1> v1, std::optional<V2> v2);

// --cgroup-manager=disabled: every operation is a no-op, pids() is empty.
std::unique_ptr<Manager> make_disabled_manager(Mode mode);

}  // namespace berth::cgroups
