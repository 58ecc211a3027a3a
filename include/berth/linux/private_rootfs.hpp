// The rootfs of a container that shares berth's mount namespace (linux.namespaces lists no
// mount namespace, or joins berth's own). Its mounts then go into the host's mount table, so
// berth puts them all beneath one mount of its own: a private, recursive copy of the rootfs
// mounted over it. Nothing mounted beneath a private mount propagates anywhere, the host's /
// keeps its propagation (runc makes it rslave), and one lazy unmount at delete takes the
// container's whole tree away (runc leaves its mounts behind).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "berth/util/fd.hpp"

namespace berth::os {

// A mount's identity from statx: the unique mount id where the kernel has one (6.8), else the
// one the kernel reuses after an unmount.
struct MountId {
    uint64_t id = 0;
    bool unique = false;

    bool operator==(const MountId&) const = default;
};

// Which mount berth put over which rootfs: what `delete` (and a failed create) detach. As
// text, for the container's state dir: "unique 123\n/path/to/rootfs\n" ("reusable 45" with an
// older kernel's id).
struct RootfsMount {
    MountId id;
    std::string rootfs;

    std::string to_text() const;
    static std::optional<RootfsMount> parse(std::string_view text);
};

// The copy of `rootfs`'s mounts (open_tree, recursive), not attached yet: its id is recorded
// first, so that no crash leaves a mount berth has no record of.
struct DetachedRootfs {
    Fd tree;
    MountId id;
};
DetachedRootfs clone_private_rootfs(const std::string& rootfs);

// Mounts the copy over `rootfs` and makes it private, with everything beneath it.
void attach_rootfs(const DetachedRootfs& copy, const std::string& rootfs);

// Detaches berth's mount, with everything beneath it, if it is the one its rootfs path
// resolves to; false when it is not there (never attached, or gone already).
bool detach_rootfs(const RootfsMount& m);

}  // namespace berth::os
