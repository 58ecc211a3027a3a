// Handshake step 3a (sync.hpp): the bind sources berth hands the init before its mounts.
#pragma once
#include <sys/types.h>

#include "berth/runtime/container_plan.hpp"
#include "berth/runtime/trace.hpp"

namespace berth::runtime {

// Sends the init, for each bind mount that needs one, the fd to mount it from:
// - in a user namespace, an O_PATH fd of the source opened as host root in the init's mount
//   namespace (the init may be unable to reach the path itself); not when berth runs as a
//   user, who can reach no more than the init;
// - for an id-mapped bind (idmap/ridmap, or the mount's own uidMappings), the whole mount,
//   cloned and id-mapped here: only host root may id-map a host filesystem. Its user
//   namespace is one made for the mount's own mappings, or the container's.
// Runs once the init's id maps are written.
void send_mount_sources(int sock, pid_t init, const ContainerPlan& cp, const Trace& trace);

}  // namespace berth::runtime
