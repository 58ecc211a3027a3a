// Rootless berth (runc's --rootless): run by a user other than root, or by root of a user
// namespace (rootless podman). Such a berth cannot create cgroups without a delegated subtree,
// mknod, mount sysfs without its own network namespace, or write arbitrary id maps; each of
// those places has its fallback (launch.cpp, devices.cpp, mounts.cpp, id_maps.hpp).
#pragma once
#include <sys/types.h>

#include <string>
#include <vector>

#include "berth/linux/process_setup.hpp"
#include "berth/runtime/launch.hpp"
#include "berth/spec/config.hpp"

namespace berth::runtime {

// /proc/self/uid_map text is the initial user namespace's ("0 0 4294967295").
bool in_initial_user_namespace(const std::string& uid_map);

// The linux.resources fields a container without a cgroup goes without (the device rules are
// left out: in a user namespace the kernel refuses mknod anyway), for the warning.
std::vector<std::string> unapplied_without_cgroup(const spec::Config& config);

// In a user namespace whose setgroups(2) is denied (a user mapped only its own ids), the
// process keeps its groups: an additionalGids list fails naming `where`.
void keep_groups_if_denied(os::Identity& id, bool denied, const std::string& where);

// /proc/<pid>/setgroups says "deny".
bool setgroups_denied(pid_t pid);

}  // namespace berth::runtime
