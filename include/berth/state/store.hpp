// The state root (--root, default /run/berth): one locked directory per container.
#pragma once
#include <functional>
#include <string>
#include <utility>
#include <string_view>
#include <vector>

#include "berth/state/container_dir.hpp"
#include "berth/state/record.hpp"

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

    // Calls `each` with the record of every container, for `list`: each read through the root
    // in one openat2 (no symlink anywhere below it) without opening its directory, and handed
    // over before the next is read (a thousand parsed records at once cost more in heap than
    // the listing). A container whose record is missing, half gone or unreadable is left out,
    // as by list(). With threads <= 1, in id order on the calling thread; with more (and
    // enough containers to share), `each` runs on up to that many threads at once, in no
    // order: it must be safe to call concurrently. The first exception other than a record's
    // stops the walk and is rethrown here.
    void each_record(const std::function<void(Record&&)>& each, unsigned threads = 1) const;

    // Whether <root>/<id> exists (no lock taken; the answer may be stale by the time it is used).
    bool exists(std::string_view id) const;

    // Removes the temporary dirs of creates of `id` (of any id when empty) that were killed
    // before their directory got its name (create() builds it as "~creating.<pid>.<n>.<id>").
    // Only dirs whose creator is gone (its pid no longer runs, its lock is free) go; best effort.
    void remove_creating_debris(std::string_view id) const;

private:
    // Valid container ids among the root's entries, sorted, with or without a check that each
    // holds a state.json; sweeps create debris when it sees any. Empty when the root is missing.
    std::vector<std::string> list_ids(int rootfd, bool check_record) const;

    std::string root_;
};

}  // namespace berth::state
