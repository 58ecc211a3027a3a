// What the init may do at the network gate instead of after its mounts (issue 13).
// It would wait there while berth makes the network namespace (~0.15-0.2 ms before these steps
// moved; with them it arrives about when berth is done); the device nodes, masks and read-only
// binds it would make after the last mount go there when nothing still to come can change what
// they touch: no mount from the gate on
// lands on a path, inside it (a mask or read-only bind would miss it) or above it (it would
// hide the path), and nothing is created beneath it afterwards (the cwd, /dev/console).
// Paths are compared as written (normalized); a destination the image redirects through a
// symlink escapes that comparison, so masks and read-only paths stay after the mounts whenever
// a later mount could bring /proc or /sys content of its own (a proc or sysfs filesystem, a
// bind from the host's /proc or /sys): landing on an ancestor, it would show unmasked what the
// masks hide. Anything else landing there shows only what the config mounts.
#include <optional>
#include <string>
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

// "/a//b/./c/" as "/a/b/c"; nullopt for a relative path or one with "..", which no prefix
// comparison can place.
std::optional<std::string> normalized(std::string_view path)
{
    if (path.empty() || path.front() != '/') return std::nullopt;
    std::string out;
    size_t i = 0;
    while (i < path.size()) {
        while (i < path.size() && path[i] == '/') ++i;
        size_t j = path.find('/', i);
        if (j == std::string_view::npos) j = path.size();
        std::string_view part = path.substr(i, j - i);
        if (part == "..") return std::nullopt;
        if (!part.empty() && part != ".") (out += '/') += part;
        i = j;
    }
    return out.empty() ? "/" : out;
}

// A mount that brings /proc or /sys content of its own.
bool shows_proc_or_sys(const os::MountStep& m)
{
    if (m.kind == os::MountStep::Kind::filesystem) return m.fstype == "proc" || m.fstype == "sysfs";
    if (m.kind != os::MountStep::Kind::bind) return false;
    auto src = normalized(m.source);
    return !src || within(*src, "/proc") || within(*src, "/sys") || within("/proc", *src) || within("/sys", *src);
}

}  // namespace

ContainerPlan::EarlySteps plan_early_steps(const ContainerPlan& plan)
{
    ContainerPlan::EarlySteps early;
    early.masked.assign(plan.masked_paths.size(), false);
    early.readonly.assign(plan.readonly_paths.size(), false);
    size_t gate = 0;
    while (gate < plan.mounts.size() && plan.mounts[gate].fstype != "sysfs") ++gate;
    if (gate == plan.mounts.size()) return early;  // no gate to wait at

    std::vector<std::string> later;  // destinations from the gate on, normalized
    bool later_proc_or_sys = false;
    for (size_t i = gate; i < plan.mounts.size(); ++i) {
        auto d = normalized(plan.mounts[i].destination);
        if (!d) return early;  // cannot be placed: nothing early
        later.push_back(std::move(*d));
        if (i > gate && shows_proc_or_sys(plan.mounts[i])) later_proc_or_sys = true;
    }
    auto settled = [&](const std::string& p) {
        for (const auto& d : later)
            if (overlap(d, p)) return false;
        return true;
    };
    // Nothing created beneath a mask or a read-only bind after it.
    const auto cwd = normalized(plan.cwd);
    if (!plan.cwd.empty() && !cwd) return early;
    auto nothing_made_within = [&](const std::string& p) {
        return (!cwd || !within(*cwd, p)) && (!plan.console || !within("/dev/console", p));
    };

    // Each node and symlink the device step makes: a later mount elsewhere in /dev (podman
    // mounts devpts, mqueue and shm after sysfs) leaves them be.
    auto node_settled = [&](const std::string& path) {
        auto p = normalized(path);
        return p && settled(*p);
    };
    early.devices = true;
    if (plan.default_devices) {
        for (const auto& d : os::default_devices()) early.devices = early.devices && node_settled(d.path);
        for (const auto& p : os::dev_symlink_paths()) early.devices = early.devices && node_settled(p);
    }
    for (const auto& d : plan.devices) early.devices = early.devices && node_settled(d.path);
    if (later_proc_or_sys) return early;

    std::vector<std::optional<std::string>> masked;
    for (const auto& m : plan.masked_paths) masked.push_back(normalized(m));
    // Masks bind the /dev/null the device step made.
    if (early.devices)
        for (size_t i = 0; i < masked.size(); ++i)
            early.masked[i] = masked[i] && settled(*masked[i]) && nothing_made_within(*masked[i]);
    for (size_t i = 0; i < plan.readonly_paths.size(); ++i) {
        auto p = normalized(plan.readonly_paths[i]);
        bool ok = p && settled(*p) && nothing_made_within(*p);
        // A mask inside it goes in first, as after the mounts (the read-only bind takes it along).
        for (size_t m = 0; ok && m < masked.size(); ++m)
            if (!early.masked[m] && (!masked[m] || within(*masked[m], *p))) ok = false;
        early.readonly[i] = ok;
    }
    return early;
}

}  // namespace berth::runtime
