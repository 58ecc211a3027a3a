// linux.cgroupsPath resolution (pure; no I/O).
#pragma once
#include <string>
#include <string_view>

namespace berth::cgroups {

struct CgroupPath {
    std::string path;       // normalised: "/a/b" when absolute, "a/b" when relative
    bool relative = false;  // relative to berth's own cgroup in each hierarchy
};

// empty -> "/berth/<id>"; "/a/b" -> absolute; "a/b" -> relative. Throws Error for the systemd
// "slice:prefix:name" form, ".." components, NUL bytes, and paths naming a hierarchy root or
// berth's own cgroup (destroying those would be a disaster).
CgroupPath parse_cgroups_path(std::string_view cgroups_path, std::string_view id);

// Host directory of the container's cgroup in one hierarchy. `mount_root` is the mountinfo root
// of the hierarchy, `own` berth's own cgroup in it (only used for relative paths).
std::string cgroup_dir(std::string_view mount_point, std::string_view mount_root, const CgroupPath& p,
                       std::string_view own);

}  // namespace berth::cgroups
