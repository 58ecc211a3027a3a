// One container's state directory, <root>/<id>/, held locked for the life of the object.
#pragma once
#include <string>
#include <utility>

#include "berth/state/record.hpp"
#include "berth/util/fd.hpp"

namespace berth::state {

class Store;

// Only Store hands these out, always locked (flock LOCK_EX on the directory fd itself).
// The lock is released when the object is destroyed.
//
// The lock belongs to the open file description of dirfd(): a child forked while this object
// is alive shares it until the child closes that fd or execs (it is O_CLOEXEC). Code that forks
// a long-lived child without exec (the container init) must close dirfd() in the child, or the
// lock outlives this process and the next berth command on the container blocks.
class ContainerDir {
public:
    ContainerDir(ContainerDir&&) noexcept = default;
    ContainerDir& operator=(ContainerDir&&) noexcept = default;
    ContainerDir(const ContainerDir&) = delete;
    ContainerDir& operator=(const ContainerDir&) = delete;
    ~ContainerDir() = default;

    const std::string& id() const noexcept { return id_; }
    const std::string& path() const noexcept { return path_; }
    int dirfd() const noexcept { return dir_.get(); }

    // state.json, atomically (temp file, fsync, rename), mode 0600. rec.id must equal id().
    void write(const Record& rec);
    // Throws Error naming the path when state.json is missing or corrupt.
    Record read() const;
    bool has_record() const;
    // Removes the whole directory while still holding the lock; waiters in Store::open then
    // find the directory gone and report "does not exist". write() afterwards throws.
    void remove();

private:
    friend class Store;
    ContainerDir(std::string id, std::string path, Fd dir) noexcept
        : id_(std::move(id)), path_(std::move(path)), dir_(std::move(dir))
    {
    }

    std::string state_path() const;

    std::string id_;
    std::string path_;
    Fd dir_;
    bool removed_ = false;
};

}  // namespace berth::state
