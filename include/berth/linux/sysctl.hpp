// linux.sysctl, written by the container init inside the container's namespaces through a
// procfs instance it mounted itself (SECURITY.md #2, #11): never the container's /proc, never
// a path from the image. Keys name files under /proc/sys.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "berth/util/failure.hpp"

namespace berth::os {

// The file under /proc/sys a key names, as sysctl(8) reads keys: "net.ipv4.ip_forward" ->
// "net/ipv4/ip_forward"; when the first separator is '/', dots are part of names
// ("net/ipv4/conf/eth0.100/forwarding"). nullopt when a component is empty, "." or "..".
std::optional<std::string> sysctl_path(std::string_view key);

struct SysctlSetting {
    std::string key;    // as the config spells it, for messages
    std::string path;   // sysctl_path(key)
    std::string value;
};

// A detached mount of a new procfs instance (fsopen/fsmount), verified to be procfs: an
// O_PATH-like root fd, or -1 with f set.
int open_private_procfs(Failure& f) noexcept;

// Writes each value through a private procfs instance, resolving the file beneath its sys/
// without crossing mounts or following links, checking the file is on procfs, and reads the
// value back. Runs in the container init: no allocation, no exceptions.
bool apply_sysctls(const std::vector<SysctlSetting>& settings, Failure& f) noexcept;

// Whether what a sysctl file reads back matches what was written: the same whitespace-separated
// fields, numbers compared by value ("0x10" reads back as "16").
bool sysctl_value_matches(std::string_view wrote, std::string_view read) noexcept;

}  // namespace berth::os
