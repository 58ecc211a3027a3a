// The state root (--root, default /run/berth): one locked directory per container.
#pragma once
#include <string>
#include <utility>
#include <string_view>
#include <vector>

#include "berth/state/container_dir.hpp"

namespace berth::state {

inline constexpr const char* default_state_root = "/run/berth";

class Store {
public:
    explicit Store(std::string root) : root_(std::move(root)) {}  // does not touch the disk

    const std::string& root() const noexcept { return root_; }

    // Creates <root> (0700, parents as needed) and <root>/<id> exclusively, locked.
    // Throws Error("container with id exists: <id>") when it exists (runc's phrase).
    // The directory appears under its name already locked, so no other berth process can get
    // at a half-created container.
    ContainerDir create(std::string_view id) const;

    // Opens an existing container and takes its lock (blocking).
    // Throws Error("container \"<id>\" does not exist") when missing, including when it was
    // deleted while we waited for the lock. The directory may have no record yet (has_record()).
    ContainerDir open(std::string_view id) const;

    // Opens an existing container without taking its lock, read-only (write/remove throw):
    // for commands that only look. Throws "does not exist" like open().
    ContainerDir inspect(std::string_view id) const;

    // Ids of all containers (valid-id subdirectories holding a state.json), sorted; empty when
    // the root is missing. Never blocks on locks: records are replaced by atomic rename, so an
    // unlocked reader sees either the old or the new one.
    std::vector<std::string> list() const;

    // Whether <root>/<id> exists (no lock taken; the answer may be stale by the time it is used).
    bool exists(std::string_view id) const;

    // Removes the temporary dirs of creates of `id` (of any id when empty) that were killed
    // before their directory got its name (create() builds it as "~creating.<pid>.<n>.<id>").
    // Only dirs whose creator is gone (its pid no longer runs, its lock is free) go; best effort.
    void remove_creating_debris(std::string_view id) const;

private:
    std::string root_;
};

}  // namespace berth::state
