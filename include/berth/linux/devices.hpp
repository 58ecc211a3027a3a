// Device nodes and /dev symlinks inside the rootfs, created through fds anchored in it
// (SECURITY.md #12): mknodat relative to a directory fd that was resolved inside the root.
#pragma once
#include <sys/types.h>

#include <string>
#include <vector>

#include "berth/util/fd.hpp"

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

// Makes device nodes in a rootfs one after another: mknod, or in a user namespace (where mknod
// is refused) a bind of the host's node onto an empty file. Requires umask 0 so the mode is
// exact without a chmod by path. The directory of the last node stays open (the default six
// share /dev: one lookup, not six), and a node already owned as asked (made by its owner, in a
// directory without setgid) is not chowned again.
class DeviceMaker {
public:
    DeviceMaker(int rootfd, bool in_userns) : rootfd_(rootfd), in_userns_(in_userns) {}

    // With `made`, a node berth created itself (not a bind of the host's) is returned there as
    // an O_PATH fd, verified to be the device asked for.
    bool make(const DeviceNode& d, Failure& f, int* made = nullptr);

private:
    bool open_dir(const std::string& path, Failure& f);

    int rootfd_;
    bool in_userns_;
    std::string dir_path_;  // of dir_, as asked
    Fd dir_;
    uid_t new_uid_ = 0;  // who a node made in dir_ belongs to
    gid_t new_gid_ = 0;
};

// /dev/fd, /dev/stdin, /dev/stdout, /dev/stderr, /dev/ptmx (-> pts/ptmx), /dev/core.
bool create_dev_symlinks(int rootfd, Failure& f);
// Their paths in the container, as create_dev_symlinks makes them.
std::vector<std::string> dev_symlink_paths();

}  // namespace berth::os
