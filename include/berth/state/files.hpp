// Names of the files in a container's state directory, <root>/<id>/.
#pragma once

namespace berth::state {

inline constexpr const char* state_file = "state.json";    // the Record, replaced atomically
inline constexpr const char* config_file = "config.json";  // the config the container was created from
inline constexpr const char* exec_fifo_file = "exec.fifo"; // the init blocks on it until `start`
// The container's cgroup and which of its dirs existed already, written before create makes the
// first cgroup dir: what `delete -f` removes of a container killed before state.json existed.
inline constexpr const char* cgroup_intent_file = "cgroup.json";
// The private copy of the rootfs berth mounted over it for a container without a mount
// namespace of its own (os::RootfsMount), written before it is attached; detached at delete.
inline constexpr const char* rootfs_mount_file = "rootfs.mount";

}  // namespace berth::state
