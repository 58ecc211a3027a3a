// One container's state directory, <root>/<id>/, held locked for the life of the object.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "berth/state/record.hpp"
#include "berth/util/fd.hpp"

namespace berth::state {

class Store;

// Only Store hands these out: locked (flock LOCK_EX on the directory fd itself) for anything
// that changes the container, released when the object is destroyed; or unlocked, read-only,
// for `state`, `list` and `ps`, which must answer while another command holds the lock (every
// file here is replaced by atomic rename, so a reader sees the old or the new one).
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
    // The config.json the container was created from, kept for exec, update, events and hooks.
    void write_config(std::string_view text);
    std::string read_config() const;
    // Another file of the state dir (files.hpp), atomically; read_file: nullopt when missing.
    void write_file(const char* name, std::string_view text);
    std::optional<std::string> read_file(const char* name) const;
    bool locked() const noexcept { return locked_; }
    // Throws Error naming the path when state.json is missing or corrupt.
    Record read() const;
    bool has_record() const;
    // Removes the whole directory while still holding the lock; waiters in Store::open then
    // find the directory gone and report "does not exist". write() afterwards throws.
    void remove();

private:
    friend class Store;
    ContainerDir(std::string id, std::string path, Fd dir, bool locked) noexcept
        : id_(std::move(id)), path_(std::move(path)), dir_(std::move(dir)), locked_(locked)
    {
    }
    void require_lock(const char* what) const;

    std::string state_path() const;

    std::string id_;
    std::string path_;
    Fd dir_;
    bool locked_ = true;
    bool removed_ = false;
};

}  // namespace berth::state
