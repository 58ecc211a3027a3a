#include <algorithm>
#include <iostream>
#include <string_view>
#include <vector>

#include "berth/linux/capabilities.hpp"
#include "berth/linux/lsm.hpp"
#include "berth/linux/mount_options.hpp"
#include "berth/linux/process_attrs.hpp"
#include "berth/linux/seccomp.hpp"
#include "berth/runtime/hooks.hpp"
#include "berth/spec/config.hpp"
#include "berth/spec/version.hpp"
#include "berth_commit.h"
#include "berth_config.h"
#include "command.hpp"

namespace berth::cli {

namespace {

// What berth compiles (linux/seccomp.hpp's tables), and what this libseccomp and kernel take.
nlohmann::ordered_json seccomp_features()
{
    nlohmann::ordered_json s;
    s["enabled"] = true;
    auto names = [](const auto& table) {
        std::vector<std::string_view> out;
        for (const auto& entry : table) out.push_back(entry.first);
        std::sort(out.begin(), out.end());
        return out;
    };
    s["actions"] = names(os::seccomp_action_names);
    s["operators"] = names(os::seccomp_operator_names);
    s["archs"] = os::seccomp_supported_archs();
    s["knownFlags"] = names(os::seccomp_flag_names);
    std::vector<std::string_view> supported;
    for (const auto& [name, flag] : os::seccomp_flag_names)
        if (os::seccomp_flag_supported(flag)) supported.push_back(name);
    s["supportedFlags"] = supported;
    return s;
}

// runtime-spec features.md: only what berth really does today.
nlohmann::ordered_json features()
{
    nlohmann::ordered_json j;
    j["ociVersionMin"] = "1.0.0";
    j["ociVersionMax"] = spec::oci_version;
    auto& hooks = j["hooks"] = nlohmann::ordered_json::array();
    for (auto kind : runtime::hook_kinds) hooks.push_back(runtime::hook_kind_name(kind));
    j["mountOptions"] = os::known_mount_options();
    auto& l = j["linux"];
    std::vector<std::string_view> namespaces;
    for (const auto& entry : spec::namespace_names) namespaces.push_back(entry.second);
    std::sort(namespaces.begin(), namespaces.end());
    l["namespaces"] = namespaces;
    l["capabilities"] = os::capability_names();
    l["cgroup"] = {{"v1", true}, {"v2", true}, {"systemd", true}, {"systemdUser", false}, {"rdma", true}};
    l["seccomp"] = seccomp_features();
    // Enabled only where a config asking for them would run: the host's LSM is on (and for
    // SELinux, berth was built with libselinux).
    os::LsmSupport lsms = os::probe_lsms();
    l["apparmor"] = {{"enabled", lsms.apparmor}};
    l["selinux"] = {{"enabled", lsms.selinux}};
    l["intelRdt"] = {{"enabled", false}};
    l["netDevices"] = {{"enabled", true}};
    l["memoryPolicy"] = {{"modes", os::mempolicy_mode_names()}, {"flags", os::mempolicy_flag_names()}};
    l["mountExtensions"] = {{"idmap", {{"enabled", true}}}};
    j["annotations"] = {{"io.github.berth.version", BERTH_VERSION}, {"io.github.berth.commit", BERTH_COMMIT}};
    return j;
}

}  // namespace

void add_features(CLI::App& app, Action& action)
{
    auto* sub = app.add_subcommand("features", "print what this runtime supports (runtime-spec features.md)");
    sub->callback([&action] {
        action = [](const GlobalOptions&, const Logger&) {
            std::cout << features().dump(2) << '\n';
            return 0;
        };
    });
}

}  // namespace berth::cli
