#include "berth/runtime/cgroup_claim.hpp"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string_view>

#include "berth/cgroups/fs.hpp"
#include "berth/runtime/container_plan.hpp"
#include "berth/runtime/launch.hpp"
#include "berth/runtime/rollback.hpp"
#include "berth/runtime/rootless.hpp"
#include "berth/runtime/trace.hpp"
#include "berth/spec/config.hpp"
#include "berth/state/container_dir.hpp"
#include "berth/state/files.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"
#include "berth/util/words.hpp"

namespace berth::runtime {

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

// "cpu,cpuacct" names cpu and cpuacct.
bool names_controller(std::string_view mount_name, std::string_view controller)
{
    while (!mount_name.empty()) {
        auto comma = mount_name.find(',');
        if (mount_name.substr(0, comma) == controller) return true;
        mount_name = comma == std::string_view::npos ? std::string_view{} : mount_name.substr(comma + 1);
    }
    return false;
}

bool frozen(const cgroups::Hierarchy& h)
{
    if (h.is_v2) {
        // cgroup.freeze is what was asked of this cgroup; "frozen 1" in cgroup.events is what
        // the kernel made of it, a frozen parent included.
        auto freeze = read_small_file_if_exists(h.host_path + "/cgroup.freeze");
        if (freeze && cgroups::fs::trimmed(*freeze) == "1") return true;
        auto events = read_small_file_if_exists(h.host_path + "/cgroup.events");
        return events && ("\n" + *events).find("\nfrozen 1") != std::string::npos;
    }
    if (!names_controller(h.mount_name, "freezer")) return false;
    // FROZEN or FREEZING; a v1 cgroup under a frozen parent reads FROZEN too.
    auto state = read_small_file_if_exists(h.host_path + "/freezer.state");
    return state && cgroups::fs::trimmed(*state) != "THAWED";
}

}  // namespace

std::vector<std::string> existing_cgroup_dirs(const cgroups::Manager& cg)
{
    std::vector<std::string> out;
    for (const auto& h : cg.hierarchies())
        if (path_exists(h.host_path)) out.push_back(h.host_path);
    return out;
}

void check_cgroup_claimable(const cgroups::Manager& cg, const std::vector<std::string>& existing)
{
    for (const auto& h : cg.hierarchies())
        if (frozen(h)) throw Error("container's cgroup unexpectedly frozen (" + h.host_path + ")");
    for (const auto& dir : existing) {
        std::vector<pid_t> pids;
        cgroups::fs::collect_pids(dir, pids);
        if (!pids.empty())
            throw Error("container's cgroup is not empty: " + std::to_string(pids.size()) + " process(es) found in " +
                        dir + "; berth does not share a cgroup with processes it did not start");
    }
}

void remove_created_cgroup_dirs(cgroups::Manager& cg, const std::vector<std::string>& existing) noexcept
{
    try {
        // The systemd driver's scope is berth's unless its cgroup was there before.
        const auto hierarchies = cg.hierarchies();
        bool unit_ours = std::none_of(hierarchies.begin(), hierarchies.end(),
                                      [&](const cgroups::Hierarchy& h) { return contains(existing, h.host_path); });
        if (unit_ours) {
            try {
                cg.stop_unit();
            } catch (const Error&) {
            }
        }
        auto deadline = cgroups::fs::Clock::now() + std::chrono::seconds(1);
        for (const auto& h : hierarchies) {
            if (contains(existing, h.host_path)) continue;
            try {
                cgroups::fs::remove_dirs(h.host_path, deadline);
            } catch (const Error&) {
            }
        }
    } catch (...) {
    }
}

}  // namespace berth::runtime

namespace berth::runtime {

std::string cgroup_intent(const cgroups::Manager& cg, const std::vector<std::string>& existing)
{
    nlohmann::json j = nlohmann::json::object();
    j["cgroup"] = cg.to_json();
    j["existing"] = existing;
    return j.dump();
}

void remove_intended_cgroup(std::string_view intent_json) noexcept
{
    try {
        auto j = nlohmann::json::parse(intent_json);
        auto cg = cgroups::load_manager(j.at("cgroup"));
        if (!cg) return;
        remove_created_cgroup_dirs(*cg, j.at("existing").get<std::vector<std::string>>());
    } catch (...) {
        // A torn or foreign file: nothing berth can safely act on.
    }
}

// Rootless, "may not create" is no delegated subtree: v1, or v2 outside the user's.
cgroups::Manager& set_up_cgroup(const Context& ctx, const std::string& id, const spec::Config& config,
                                state::ContainerDir& dir, Rollback& rollback, const Trace& trace)
{
    const std::string path = config.linux ? config.linux->cgroups_path : std::string{};
    cgroups::Options opts{id, path, ctx.cgroups_disabled};
    if (ctx.systemd_cgroup && !ctx.cgroups_disabled) {
        // A user's systemd instance is reached over the session bus, which berth-systemd
        // does not speak yet.
        if (is_rootless(ctx))
            throw Error("the systemd cgroup driver is not supported rootless by berth yet; use --cgroup-manager=cgroupfs");
        opts.systemd = true;
        opts.systemd_helper = ctx.systemd_helper;
        if (config.linux && config.linux->resources) opts.resources = &*config.linux->resources;
        opts.devices = device_rules(config);
    }
    auto manager = cgroups::make_manager(opts);
    std::vector<std::string> existing = existing_cgroup_dirs(*manager);
    // Crash consistency: the state dir names the cgroup before its first dir exists, so that
    // `delete -f` finds what a berth killed from here on made (state.json comes once the init
    // exists).
    // No cgroup (--cgroup-manager=disabled): nothing to find, and no file says so as well.
    if (!manager->hierarchies().empty()) dir.write_file(state::cgroup_intent_file, cgroup_intent(*manager, existing));
    auto* cg = &rollback.own_cgroup(std::move(manager), existing);
    try {
        cg->create();
    } catch (const Error& e) {
        int err = e.code();
        if ((err != EACCES && err != EPERM && err != EROFS) || !is_rootless(ctx)) throw;
        // create() removed what it made; from here on the container has no cgroup.
        auto none = cgroups::make_manager(cgroups::Options{id, path, true});
        dir.write_file(state::cgroup_intent_file, cgroup_intent(*none, {}));
        cg = &rollback.own_cgroup(std::move(none), {});
        existing.clear();
        // A warning only when limits are lost; an unset limit needs no cgroup (podman on v1).
        auto fields = unapplied_without_cgroup(config);
        std::string msg = "rootless: no cgroup for the container (" + std::string(e.what()) + ")";
        if (fields.empty())
            ctx.log.debug(msg);
        else
            ctx.log.warn(msg + "; not applied: " + joined(fields));
    }
    // Refused before anything is written into a cgroup that is not berth's to use.
    check_cgroup_claimable(*cg, existing);
    trace([&] {
        std::vector<std::string> dirs;
        for (const auto& h : cg->hierarchies()) dirs.push_back(h.host_path);
        return "cgroup: " + (dirs.empty() ? std::string("none") : joined(dirs)) +
               (existing.empty() ? "" : " (existed: " + joined(existing) + ")");
    });
    if (ctx.cgroups_disabled && config.linux && config.linux->resources && !config.linux->resources->devices.empty())
        ctx.log.warn("config.json: .linux.resources.devices: not enforced: cgroups are disabled (--cgroup-manager=disabled)");
    if (ctx.cgroups_disabled)
        for (const auto& field : unapplied_without_cgroup(config))
            ctx.log.warn("config.json: " + field + ": not applied: cgroups are disabled (--cgroup-manager=disabled)");
    return *cg;
}

}  // namespace berth::runtime
