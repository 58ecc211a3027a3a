#include "berth/runtime/cgroup_claim.hpp"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string_view>

#include "berth/cgroups/fs.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"

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

}  // namespace berth::runtime
