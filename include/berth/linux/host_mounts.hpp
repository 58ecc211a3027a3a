// The host's mounts in a container's mount namespace, for --no-pivot. pivot_root detaches the
// old root with everything mounted on it; chroot (--no-pivot) only moves it out of sight, and
// what stays in the namespace can be reached again: by a chroot escape, and by the kernel's
// own rule that a process in a nested user namespace may mount a fresh proc or sysfs as long
// as one is fully visible in its mount namespace (mount_too_revealing). The host's /proc has
// no masked paths, so a container could mount an unmasked proc of its own.
#pragma once
#include "berth/util/failure.hpp"

namespace berth::os {

// Run in the container's mount namespace before the rootfs is moved onto /. Detaches
// (MNT_DETACH, made slaves first so that nothing propagates to the host) every mount that is
// not `rootfs` (absolute, canonical), not inside it and not on the way to it. Where the kernel
// refuses (in a user namespace the host's mounts are locked), a fully visible proc or sysfs
// left behind gets an empty read-only tmpfs over one of its non-empty directories (proc's
// sys, sysfs's kernel): a nested user namespace then no longer counts it as fully visible,
// as it does not count the container's own /proc with its masked paths. Reads
// /proc/self/mountinfo without allocating. False with f set.
bool hide_host_mounts(const char* rootfs, Failure& f) noexcept;

}  // namespace berth::os
