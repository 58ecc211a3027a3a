// Internal: the concrete managers behind make_manager / load_manager.
#pragma once
#include <memory>
#include <optional>

#include "berth/cgroups/manager.hpp"
#include "berth/cgroups/systemd_units.hpp"
#include "berth/cgroups/v1.hpp"
#include "berth/cgroups/v2.hpp"

namespace berth::cgroups {

// v1 alone (Mode::v1), v2 alone (Mode::unified) or both (Mode::hybrid: v1 controllers plus the
// unified hierarchy systemd tracks processes in).
std::unique_ptr<Manager> make_fs_manager(Mode mode, std::optional<V1> v1, std::optional<V2> v2);

// What the systemd driver keeps besides the cgroupfs manager of the scope's dirs.
struct SystemdUnitState {
    systemd::Unit unit;
    std::string id;
    systemd::Flavour flavour = systemd::Flavour::v2;
    std::string helper;  // berth-systemd
    // Sent with the start (make_manager), compared by apply_resources; not stored.
    std::vector<systemd::Property> resource_properties, device_properties;
    bool owns_unit = false;  // started by this manager, or loaded from state: destroy stops it
};

// The systemd driver over `fs`, the cgroupfs manager of the scope's dirs.
std::unique_ptr<Manager> make_systemd_manager(std::unique_ptr<Manager> fs, SystemdUnitState state);

// --cgroup-manager=disabled: every operation is a no-op, pids() is empty.
std::unique_ptr<Manager> make_disabled_manager(Mode mode);

}  // namespace berth::cgroups
