// Writes layer entries into a rootfs without ever leaving it (SECURITY.md, the companion-tool
// rows). Every parent directory is resolved by os::open_in_root (openat2 RESOLVE_IN_ROOT, the
// API the runtime mounts through), so a symlinked parent is followed inside the rootfs, never
// out of it; the entry itself is then made with *at() calls on that parent fd and
// AT_SYMLINK_NOFOLLOW / O_NOFOLLOW, so an existing symlink at the entry's name is replaced,
// never written through.
//
// Paths are cleaned rootfs-relative paths (entry_path.hpp); "" is the rootfs itself.
#pragma once
#include <sys/types.h>

#include <ctime>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "berth/unpack/id_map.hpp"
#include "berth/util/fd.hpp"

namespace berth::unpack {

struct Meta {
    mode_t mode = 0;  // permission bits with setuid, setgid and sticky
    uint32_t uid = 0;
    uint32_t gid = 0;
    struct timespec mtime {};
    std::vector<std::pair<std::string, std::string>> xattrs;
};

struct WriterOptions {
    bool chown = true;         // false for --rootless: files stay the caller's
    bool make_devices = true;  // false for --rootless: device nodes skipped with a warning
    IdMap uid_map;             // container -> host owner on disk
    IdMap gid_map;
    std::function<void(std::string_view)> warn;
};

class RootfsWriter {
public:
    // rootfd: an O_RDONLY|O_DIRECTORY fd of the rootfs; not owned.
    RootfsWriter(int rootfd, WriterOptions opts);

    // A layer's entries come between these. end_layer sets directory modes and times, after
    // their children were written (a 0555 directory still receives its files; creating a
    // child does not bump the recorded mtime).
    void begin_layer();
    void end_layer();

    void directory(const std::string& path, const Meta& m);
    // An empty file, opened for writing; the caller writes the data, then finish_file.
    Fd regular_file(const std::string& path);
    void finish_file(int fd, const std::string& path, const Meta& m);
    void symlink(const std::string& path, const std::string& target, const Meta& m);
    // target is a cleaned path inside the rootfs; the link is made to what is there (a symlink
    // itself, never what it points to).
    void hardlink(const std::string& path, const std::string& target);
    // S_IFCHR, S_IFBLK or S_IFIFO.
    void node(const std::string& path, mode_t type, dev_t rdev, const Meta& m);
    // .wh.NAME: removes path (a whole tree) if a lower layer made it.
    void whiteout(const std::string& path);
    // .wh..wh..opq in dir: removes what lower layers put in dir, keeping this layer's entries.
    void opaque(const std::string& dir);

private:
    // Drops the parent cache after a removal (or when full). Called first by every entry
    // operation, never in the middle of one, so the fds an operation holds stay open.
    void retire_parents();
    // The parent directory's fd (O_PATH), created when missing if `create`; -1 when it is
    // missing and !create. Valid until the next entry operation.
    int parent_fd(std::string_view parent, bool create = true);
    // Makes room for an entry at dirfd/name: removes what is there unless it is a directory
    // and keep_dir. Returns true when an existing directory was kept.
    bool clear_slot(int dirfd, const std::string& name, bool keep_dir);
    void purge_lower(int dirfd, const std::string& dir);
    void mark(const std::string& path);
    void set_owner_at(int dirfd, const std::string& name, const Meta& m, const std::string& path);
    void set_xattrs(int fd, const Meta& m, const std::string& path);
    uint32_t host_uid(uint32_t id, const std::string& path) const;
    uint32_t host_gid(uint32_t id, const std::string& path) const;
    void warn(std::string_view msg) const;

    int rootfd_;
    WriterOptions opts_;
    // Parent directories already resolved in the rootfs. Dropped whenever anything is removed:
    // only a removal can change what an existing path resolves to.
    std::unordered_map<std::string, Fd> parents_;
    bool parents_stale_ = false;
    // Paths (and their ancestors) this layer wrote: an opaque whiteout keeps these.
    std::unordered_set<std::string> this_layer_;
    struct DirMeta {
        std::string path;
        mode_t mode;
        struct timespec mtime;
    };
    std::vector<DirMeta> dirs_;
};

}  // namespace berth::unpack
