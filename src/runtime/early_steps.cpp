// What the init may do at the network gate instead of after its mounts (issue 13).
// It waits there while berth makes the network namespace (~0.15-0.2 ms when it runs beside
// berth); the device nodes, masks and read-only binds it would make after the last mount fill
// that wait when nothing still to come can change what they touch: no mount from the gate on
// lands on a path, inside it (a mask or read-only bind would miss it) or above it (it would
// hide the path), and nothing is created beneath it afterwards (the cwd, /dev/console).
#include <string_view>

#include "berth/linux/devices.hpp"
#include "berth/runtime/container_plan.hpp"

namespace berth::runtime {

namespace {

// `inner` is `outer` or beneath it (both absolute, normalized: no trailing slash but "/").
bool within(std::string_view inner, std::string_view outer)
{
    if (outer == "/") return true;
    return inner.size() >= outer.size() && inner.compare(0, outer.size(), outer) == 0 &&
           (inner.size() == outer.size() || inner[outer.size()] == '/');
}

bool overlap(std::string_view a, std::string_view b) { return within(a, b) || within(b, a); }

}  // namespace

ContainerPlan::EarlySteps plan_early_steps(const ContainerPlan& plan)
{
    ContainerPlan::EarlySteps early;
    early.masked.assign(plan.masked_paths.size(), false);
    early.readonly.assign(plan.readonly_paths.size(), false);
    size_t gate = 0;
    while (gate < plan.mounts.size() && plan.mounts[gate].fstype != "sysfs") ++gate;
    if (gate == plan.mounts.size()) return early;  // no gate to wait at

    auto settled = [&](std::string_view path) {
        for (size_t i = gate; i < plan.mounts.size(); ++i)
            if (overlap(plan.mounts[i].destination, path)) return false;
        return true;
    };
    // Nothing created beneath a mask or a read-only bind after it.
    auto nothing_made_within = [&](std::string_view path) {
        return (plan.cwd.empty() || !within(plan.cwd, path)) && (!plan.console || !within("/dev/console", path));
    };

    // Each node and symlink the device step makes: a later mount elsewhere in /dev (podman
    // mounts devpts, mqueue and shm after sysfs) leaves them be.
    early.devices = true;
    if (plan.default_devices) {
        for (const auto& d : os::default_devices()) early.devices = early.devices && settled(d.path);
        for (const auto& p : os::dev_symlink_paths()) early.devices = early.devices && settled(p);
    }
    for (const auto& d : plan.devices) early.devices = early.devices && settled(d.path);
    // Masks bind the /dev/null the device step made.
    if (early.devices)
        for (size_t i = 0; i < plan.masked_paths.size(); ++i)
            early.masked[i] = settled(plan.masked_paths[i]) && nothing_made_within(plan.masked_paths[i]);
    for (size_t i = 0; i < plan.readonly_paths.size(); ++i) {
        const auto& p = plan.readonly_paths[i];
        bool ok = settled(p) && nothing_made_within(p);
        // A mask inside it goes in first, as after the mounts (the read-only bind takes it along).
        for (size_t m = 0; ok && m < plan.masked_paths.size(); ++m)
            if (within(plan.masked_paths[m], p) && !early.masked[m]) ok = false;
        early.readonly[i] = ok;
    }
    return early;
}

}  // namespace berth::runtime
