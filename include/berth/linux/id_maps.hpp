// User namespace id maps: written for a container's init, or for a user namespace made only to
// id-map a mount. Parent side (berth's own process): these throw Error.
#pragma once
#include <sys/types.h>

#include <string>
#include <vector>

#include "berth/util/fd.hpp"

namespace berth::os {

// How the maps of a new user namespace can be written by this process.
enum class MapWriter {
    direct,      // host root, or root of the user namespace berth runs in (podman's): any map
    own_id,      // an unprivileged user mapping only its own uid/gid: direct, setgroups denied
    helpers,     // an unprivileged user with ranges: newuidmap/newgidmap (/etc/subuid, /etc/subgid)
};

// Which writer `uid_map`/`gid_map` ("inside outside count\n" lines) need, for a process with
// these effective ids and capability to write any map (CAP_SETUID/CAP_SETGID over its own
// user namespace).
MapWriter map_writer(const std::string& uid_map, const std::string& gid_map, uid_t euid, gid_t egid,
                     bool can_map_any);

// Writes the maps of `pid`'s user namespace through `writer`. With MapWriter::own_id,
// /proc/<pid>/setgroups gets "deny" first, as the kernel requires of an unprivileged writer
// (setgroups(2) then fails in the container).
void write_id_maps(pid_t pid, const std::string& uid_map, const std::string& gid_map, MapWriter writer);

// A user namespace with these maps and no process in it (for MOUNT_ATTR_IDMAP): a child is
// cloned into a new one, its maps written, its ns file opened, and the child reaped.
Fd make_user_namespace(const std::string& uid_map, const std::string& gid_map);

// "0 1000 1\n1 100000 65536\n" -> {"0", "1000", "1", "1", "100000", "65536"}, the argument
// list newuidmap/newgidmap take after the pid.
std::vector<std::string> map_helper_args(const std::string& map);

}  // namespace berth::os
