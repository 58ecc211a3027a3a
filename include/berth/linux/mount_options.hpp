// Translation of config.json mount options into what the new mount API wants:
// per-mount attributes (MOUNT_ATTR_*), propagation, bind/rbind, and filesystem parameters.
// Pure: unit-tested without root.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace berth::os {

struct MountOptions {
    // Attributes for the mount itself (mount_setattr / fsmount).
    uint64_t attr_set = 0;
    uint64_t attr_clr = 0;
    // Attributes applied recursively ("rro", "rnosuid", ...).
    uint64_t rattr_set = 0;
    uint64_t rattr_clr = 0;
    uint64_t propagation = 0;  // MS_PRIVATE, MS_SHARED, MS_SLAVE or MS_UNBINDABLE; 0 leaves it
    bool propagation_recursive = false;
    bool bind = false;
    bool recursive = false;  // rbind
    // "idmap" / "ridmap": the bind gets an id mapping (MOUNT_ATTR_IDMAP), on the top mount or
    // on every mount of an rbind.
    enum class Idmap { none, top, recursive } idmap = Idmap::none;
    // "tmpcopyup": a tmpfs starts with a copy of the directory it covers (copy_up.hpp).
    bool copy_up = false;
    // Filesystem parameters for fsconfig: {"mode","755"}, {"newinstance",""} (flag), {"sync",""}.
    std::vector<std::pair<std::string, std::string>> fs_params;
    // Options berth knows but does not implement; the caller fails with a clear error.
    std::vector<std::string> unsupported;
};

MountOptions parse_mount_options(const std::vector<std::string>& options);

// Every option name parse_mount_options() acts on, sorted: mount attributes and their
// recursive "r" forms, propagation, bind and rbind, superblock flags and no-ops; not the ones
// it refuses (MountOptions::unsupported). `berth features` reports these as mountOptions.
std::vector<std::string> known_mount_options();

// Propagation given by linux.rootfsPropagation ("", "rslave", "private", ...), as MS_* flags.
// Returns false for an unknown value.
bool parse_propagation(const std::string& value, uint64_t& flags);

}  // namespace berth::os
