// Mounting inside the container's rootfs. Every target is an fd from the root-confined path
// API; every source is an fd (open_tree clone or fsmount), attached with move_mount. Flags are
// set before the mount becomes visible, so nothing is ever remounted by path.
#pragma once
#include <string>
#include <vector>

#include "berth/linux/mount_options.hpp"
#include "berth/util/fd.hpp"
#include "berth/util/failure.hpp"

namespace berth::os {

struct MountStep {
    enum class Kind { bind, filesystem, cgroup };
    Kind kind = Kind::filesystem;
    std::string destination;  // absolute, inside the container
    std::string source;       // bind: absolute host path; filesystem: the "source" parameter
    std::string fstype;
    MountOptions opts;
    // bind: an O_PATH fd of the source that berth opened as host root, used instead of the
    // path (in a user namespace the path may be out of the container's reach). Not owned.
    // With source_is_mount, the fd is the whole detached mount berth prepared instead (an
    // id-mapped one: only host root may id-map a host filesystem), attributes already set.
    int source_fd = -1;
    bool source_is_mount = false;
    // Id-mapped bind (opts.idmap): the mount's own uidMappings/gidMappings as uid_map/gid_map
    // text; both empty: the container's user namespace maps it.
    std::string idmap_uid_map, idmap_gid_map;
};

// One cgroup hierarchy to show under a "cgroup" mount on v1/hybrid hosts.
struct CgroupBind {
    std::string name;       // "memory", "cpu,cpuacct", "unified", "systemd"
    std::string host_path;  // the container's own cgroup dir on the host
};

struct CgroupMountPlan {
    bool fresh_cgroup2 = false;  // pure v2 with a cgroup namespace: mount a new cgroup2 instance
    std::string v2_host_path;    // pure v2 without cgroupns: bind this dir (its cgroup, or the whole tree)
    std::vector<CgroupBind> v1;  // v1/hybrid: a tmpfs with one bind per hierarchy
};

// Performs one mount step. `rootfd` is an O_PATH fd of the rootfs. Returns false with f set.
// With `mounted`, a bind or filesystem step leaves the new mount's fd there, for changes
// made later without resolving its path again.
bool mount_step(int rootfd, const MountStep& step, const CgroupMountPlan& cg, bool in_userns, Failure& f,
                Fd* mounted = nullptr);

// An id-mapped bind of `s.source` as a detached mount (opts.idmap set): cloned, its
// attributes set, then id-mapped through the user namespace `userns_fd`. Run by berth as host
// root (CAP_SYS_ADMIN over the source's filesystem); the init attaches the result. Returns the
// mount fd, or -1 with f set (EINVAL/EPERM from the kernel: a filesystem without idmap support).
int prepare_idmapped_bind(const MountStep& s, int userns_fd, Failure& f);

// Masks a path (SECURITY.md #9, #14): files get a read-only bind of `devnull_fd`, a null
// device berth made or verified, so the container can neither chmod, chown nor touch the
// node behind the mask; directories an empty read-only tmpfs. Missing paths are skipped.
// `empty_dir` starts invalid; the first masked directory gets a new tmpfs kept there, later
// ones a clone of it (no new superblock).
bool mask_path(int rootfd, const std::string& path, int devnull_fd, Fd& empty_dir, Failure& f);
// Makes a path read-only (recursive bind of itself with MOUNT_ATTR_RDONLY). Missing paths skipped.
bool readonly_path(int rootfd, const std::string& path, Failure& f);

// Opens the host's /dev/null and checks it is the character device 1:3 (O_PATH fd, or -1 + f).
int open_verified_devnull(Failure& f);

}  // namespace berth::os
