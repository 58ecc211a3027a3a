#include "berth/state/container_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>

#include "berth/state/files.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"

namespace berth::state {

namespace {
// The record carries annotations and config details: readable by root only.
constexpr unsigned state_file_mode = 0600;
}  // namespace

std::string ContainerDir::state_path() const { return path_join(path_, state_file); }

void ContainerDir::require_lock(const char* what) const
{
    if (!locked_) throw Error(std::string(what) + " container \"" + id_ + "\": opened read-only");
}

void ContainerDir::write(const Record& rec)
{
    require_lock("write state for");
    if (removed_) throw Error("write state for container \"" + id_ + "\": container directory was removed");
    if (rec.id != id_) throw Error("write state for container \"" + id_ + "\": record has id \"" + rec.id + "\"");
    with_context("write state " + state_path(), [&] {
        std::string data;
        try {
            data = to_json(rec).dump();
        } catch (const nlohmann::json::exception& e) {
            // e.g. a bundle path that is not UTF-8: refuse rather than store a mangled path.
            throw Error(std::string("cannot encode record: ") + e.what());
        }
        write_file_atomic(dir_.get(), state_file, data, state_file_mode);
    });
}

Record ContainerDir::read() const
{
    return with_context("read state " + state_path(), [&] {
        Fd fd(::openat(dir_.get(), state_file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
        if (!fd) throw_errno("open");
        Record rec = parse_record(read_fd(fd.get()));
        // The directory name is what every command looked up; a record claiming another id is corrupt.
        if (rec.id != id_) throw Error("malformed state: id \"" + rec.id + "\" does not match the directory");
        return rec;
    });
}

bool ContainerDir::has_record() const
{
    struct stat st;
    if (::fstatat(dir_.get(), state_file, &st, AT_SYMLINK_NOFOLLOW) == 0) return true;
    if (errno == ENOENT) return false;
    throw_errno("stat " + state_path());
}

void ContainerDir::write_config(std::string_view text)
{
    require_lock("store config of");
    with_context("write " + path_join(path_, config_file),
                 [&] { write_file_atomic(dir_.get(), config_file, text, state_file_mode); });
}

void ContainerDir::write_file(const char* name, std::string_view text)
{
    require_lock("write a file of");
    with_context("write " + path_join(path_, name), [&] { write_file_atomic(dir_.get(), name, text, state_file_mode); });
}

std::optional<std::string> ContainerDir::read_file(const char* name) const
{
    return with_context("read " + path_join(path_, name), [&]() -> std::optional<std::string> {
        Fd fd(::openat(dir_.get(), name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
        if (!fd) {
            if (errno == ENOENT) return std::nullopt;
            throw_errno("open");
        }
        return read_fd(fd.get());
    });
}

std::string ContainerDir::read_config() const
{
    return with_context("read " + path_join(path_, config_file), [&] {
        Fd fd(::openat(dir_.get(), config_file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
        if (!fd) throw_errno("open");
        return read_fd(fd.get());
    });
}

void ContainerDir::remove()
{
    require_lock("remove");
    // The files every container has go through the locked fd, then the directory by path: the
    // identity of <root>/<id> was checked under the lock we still hold, and every writer of the
    // root takes that lock, so the path still names this directory. Anything else (a fifo, a
    // cgroup intent, a directory where a file belongs) takes the walk: 3 calls, not 14.
    bool only_files = true;
    for (const char* name : {state_file, config_file})
        if (::unlinkat(dir_.get(), name, 0) < 0 && errno != ENOENT) only_files = false;
    if (!only_files || ::rmdir(path_.c_str()) < 0) remove_tree(path_);
    removed_ = true;
}

}  // namespace berth::state
