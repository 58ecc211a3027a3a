// AppArmor and SELinux settings of a config or an exec process, checked against what the host
// has (os::LsmSupport) before anything is created, with the JSON path of the field at fault.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "berth/linux/lsm.hpp"
#include "berth/linux/mounts.hpp"

namespace berth::runtime {

// The label a process gets at execve from `apparmorProfile` / `selinuxLabel`; none if both are
// empty. `where` is the process object's place, e.g. "config.json: .process". Both set is an
// error: a host runs one of the two.
std::optional<os::ExecLabel> plan_exec_label(const std::string& apparmor_profile, const std::string& selinux_label,
                                             const std::string& where, const os::LsmSupport& host);

// linux.mountLabel, checked against the host, then add_mount_context().
void apply_mount_label(const std::string& label, const os::LsmSupport& host, std::vector<os::MountStep>& mounts);
// The SELinux `context` option on every tmpfs, devpts and mqueue mount that does not set its own.
void add_mount_context(const std::string& label, std::vector<os::MountStep>& mounts);

}  // namespace berth::runtime
