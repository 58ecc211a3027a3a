// Small file helpers. All fds are opened O_CLOEXEC.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "berth/util/fd.hpp"

namespace berth {

// open(2) that throws with the path in the message.
Fd open_or_throw(const std::string& path, int flags, unsigned mode = 0);
Fd openat_or_throw(int dirfd, const std::string& path, int flags, unsigned mode = 0);

// Contents of a regular file of at most max_size bytes, refused before reading when it is
// anything else (a FIFO, a device: opened without blocking) or larger. Throws Error.
std::string read_regular_file(const std::string& path, size_t max_size);

// Whole file contents; throws Error on failure.
std::string read_file(const std::string& path);
std::string read_fd(int fd);
// nullopt when the file does not exist (ENOENT); throws on other errors.
std::optional<std::string> read_file_if_exists(const std::string& path);
// The same for a small file that one read(2) returns whole: a regular file, or a kernel file
// of one value (cgroup.freeze, freezer.state, cpuset.cpus, /proc/<pid>/stat). Not for files
// of many records (cgroup.procs, mountinfo): the kernel may end a read early between two.
// One read where read_fd needs two (the second to see EOF); `list` reads three per container.
std::optional<std::string> read_small_file_if_exists(const std::string& path);
std::string read_small_file(const std::string& path);
std::string read_small_fd(int fd);

// Writes data with a single write(2) to an existing file (cgroup and proc files).
void write_file(const std::string& path, std::string_view data);
// Writes to dirfd/name atomically for readers: temp file, then rename over the name.
void write_file_atomic(int dirfd, const std::string& name, std::string_view data, unsigned mode = 0644);
void write_file_atomic(const std::string& path, std::string_view data, unsigned mode = 0644);

// write(2) until done, retrying on EINTR. Returns false with errno set on failure.
bool write_all(int fd, const void* buf, size_t len) noexcept;

// pread(2) of exactly len bytes at offset, retrying on EINTR and short reads. False on an
// error (errno set) or when the file ends first.
bool pread_all(int fd, void* buf, size_t len, uint64_t offset) noexcept;

struct DirEntry {
    std::string name;
    unsigned char type = 0;  // d_type: DT_DIR, DT_REG, ... (DT_UNKNOWN on some filesystems)
};
// Entries of dirfd/path other than "." and "..", without following a symlink at path.
// nullopt when it does not exist; throws Error otherwise.
std::optional<std::vector<DirEntry>> read_dir(int dirfd, const std::string& path);

// mkdir -p: creates every missing directory of `path` with `mode`, parents first. An existing
// directory is fine; an existing non-directory is an error ("mkdir <level>: not a directory").
// `base`, when given, is a leading part of path that already exists: levels up to it are not
// touched, and `each_level` runs for every level below it, whether created now or not.
void mkdir_p(const std::string& path, unsigned mode, const std::string& base = {},
             const std::function<void(const std::string&)>& each_level = {});

// Removes a directory tree (no symlink following). Missing path is not an error.
void remove_tree(const std::string& path);
// The same for dirfd/name: name is unlinked if it is not a directory, a symlink included.
void remove_tree_at(int dirfd, const std::string& name);

std::string path_join(std::string_view a, std::string_view b);
bool path_exists(const std::string& path);

}  // namespace berth
