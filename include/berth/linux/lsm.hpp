// AppArmor and SELinux: what the host has, and the exec label a container process gets.
// The label is written to the process's own /proc/thread-self/attr file, opened while the host's
// procfs is still the only one in reach (before pivot_root, or before an exec joins the
// container's mount namespace), so a /proc the container controls can never take the write
// (SECURITY.md #11, CVE-2019-16884). The kernel applies it at execve.
#pragma once
#include <optional>
#include <string>

#include "berth/util/failure.hpp"

namespace berth::os {

enum class Lsm { apparmor, selinux };

struct LsmSupport {
    bool apparmor = false;       // the host's AppArmor is enabled
    bool selinux = false;        // the host's SELinux is enabled (and berth was built with it)
    bool selinux_built = false;  // berth was built with libselinux (meson -Dselinux)
};

// Reads the host's state: /sys/module/apparmor/parameters/enabled with securityfs, and
// libselinux's is_selinux_enabled().
LsmSupport probe_lsms();

struct ExecLabel {
    Lsm lsm = Lsm::apparmor;
    std::string value;  // exactly what is written: "exec <profile>" or an SELinux context
};

ExecLabel apparmor_exec_label(const std::string& profile);
ExecLabel selinux_exec_label(const std::string& context);

// libselinux's check of a context against the loaded policy; an empty string if it is valid,
// otherwise why not. Only meaningful where SELinux is enabled.
std::string selinux_context_problem(const std::string& context);

// In the process itself: opens its own exec attr file for `lsm` (AppArmor's own directory
// where the kernel has one). -1 with f set.
int open_exec_label_attr(Lsm lsm, Failure& f) noexcept;
// Writes the label through that fd; the kernel checks it and refuses an unknown one.
bool write_exec_label(int fd, const ExecLabel& label, Failure& f) noexcept;

}  // namespace berth::os
