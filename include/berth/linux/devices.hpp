// Device nodes and /dev symlinks inside the rootfs, created through fds anchored in it
// (SECURITY.md #12): mknodat relative to a directory fd that was resolved inside the root.
#pragma once
#include <sys/types.h>

#include <string>
#include <vector>

#include "berth/util/failure.hpp"

namespace berth::os {

struct DeviceNode {
    std::string path;  // absolute inside the container, e.g. /dev/null
    mode_t mode = 0;   // file type (S_IFCHR, S_IFBLK, S_IFIFO) | permissions
    dev_t dev = 0;
    uid_t uid = 0;
    gid_t gid = 0;
};

// The devices every container gets on a fresh /dev: null, zero, full, random, urandom, tty.
std::vector<DeviceNode> default_devices();

// mknod, or in a user namespace (where mknod is refused) a bind of the host's node onto an
// empty file. Requires umask 0 so the mode is exact without a chmod by path. With `made`, a
// node berth created itself (not a bind of the host's) is returned there as an O_PATH fd,
// verified to be the device asked for.
bool create_device(int rootfd, const DeviceNode& d, bool in_userns, Failure& f, int* made = nullptr);

// /dev/fd, /dev/stdin, /dev/stdout, /dev/stderr, /dev/ptmx (-> pts/ptmx), /dev/core.
bool create_dev_symlinks(int rootfd, Failure& f);
// Their paths in the container, as create_dev_symlinks makes them.
std::vector<std::string> dev_symlink_paths();

}  // namespace berth::os
