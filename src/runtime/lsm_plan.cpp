#include "berth/runtime/lsm_plan.hpp"

#include <algorithm>

#include "berth/util/error.hpp"

namespace berth::runtime {

namespace {

void require_selinux(const std::string& field, const std::string& label, const os::LsmSupport& host)
{
    if (!host.selinux_built)
        throw Error(field + ": berth was built without SELinux support (meson setup -Dselinux=enabled)");
    if (!host.selinux) throw Error(field + ": SELinux is not enabled on this host");
    std::string problem = os::selinux_context_problem(label);
    if (!problem.empty()) throw Error(field + ": \"" + label + "\": " + problem);
}

}  // namespace

std::optional<os::ExecLabel> plan_exec_label(const std::string& apparmor_profile, const std::string& selinux_label,
                                             const std::string& where, const os::LsmSupport& host)
{
    if (!apparmor_profile.empty() && !selinux_label.empty())
        throw Error(where + ".selinuxLabel: set together with .apparmorProfile; a host enforces only one of them");
    if (!apparmor_profile.empty()) {
        if (!host.apparmor) throw Error(where + ".apparmorProfile: AppArmor is not enabled on this host");
        return os::apparmor_exec_label(apparmor_profile);
    }
    if (!selinux_label.empty()) {
        require_selinux(where + ".selinuxLabel", selinux_label, host);
        return os::selinux_exec_label(selinux_label);
    }
    return std::nullopt;
}

void apply_mount_label(const std::string& label, const os::LsmSupport& host, std::vector<os::MountStep>& mounts)
{
    if (label.empty()) return;
    require_selinux("config.json: .linux.mountLabel", label, host);
    add_mount_context(label, mounts);
}

void add_mount_context(const std::string& label, std::vector<os::MountStep>& mounts)
{
    for (auto& m : mounts) {
        if (m.kind != os::MountStep::Kind::filesystem) continue;
        if (m.fstype != "tmpfs" && m.fstype != "devpts" && m.fstype != "mqueue") continue;
        auto& params = m.opts.fs_params;
        bool own = std::any_of(params.begin(), params.end(), [](const auto& p) { return p.first == "context"; });
        if (!own) params.emplace_back("context", label);  // fsconfig takes it unquoted, commas and all
    }
}

}  // namespace berth::runtime
