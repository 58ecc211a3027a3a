#include "berth/unpack/rootfs_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>

#include "berth/linux/in_root.hpp"
#include "berth/unpack/entry_path.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"

namespace berth::unpack {

namespace {

// Bounds the fds the parent cache holds; a layer with more directories just resolves again.
constexpr size_t max_cached_parents = 256;

std::string str(std::string_view s) { return std::string(s); }

}  // namespace

RootfsWriter::RootfsWriter(int rootfd, WriterOptions opts) : rootfd_(rootfd), opts_(std::move(opts)) {}

void RootfsWriter::warn(std::string_view msg) const
{
    if (opts_.warn) opts_.warn(msg);
}

void RootfsWriter::begin_layer()
{
    this_layer_.clear();
    dirs_.clear();
}

void RootfsWriter::end_layer()
{
    for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) {
        Fd owned;
        int fd = rootfd_;
        if (!it->path.empty()) {
            owned.reset(os::open_in_root(rootfd_, it->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW));
            // Removed or replaced by a later entry of the same layer: nothing to set.
            if (!owned) continue;
            fd = owned.get();
        }
        if (::fchmod(fd, it->mode) < 0) throw_errno("chmod " + it->path);
        struct timespec ts[2] = {it->mtime, it->mtime};
        if (::futimens(fd, ts) < 0) throw_errno("set times of " + it->path);
    }
    dirs_.clear();
    this_layer_.clear();
}

void RootfsWriter::retire_parents()
{
    if (parents_stale_ || parents_.size() >= max_cached_parents) {
        parents_.clear();
        parents_stale_ = false;
    }
}

int RootfsWriter::parent_fd(std::string_view parent, bool create)
{
    if (parent.empty()) return rootfd_;
    std::string key(parent);
    if (auto it = parents_.find(key); it != parents_.end()) return it->second.get();
    Fd fd(os::open_in_root(rootfd_, parent, O_PATH | O_DIRECTORY));
    if (!fd) {
        if (errno == ENOENT && !create) return -1;
        if (errno != ENOENT) throw_errno("open " + key + " in the rootfs");
        Failure f;
        fd.reset(os::create_in_root(rootfd_, parent, os::Kind::directory, 0755, f));
        if (!fd) throw failure_error(f);
        mark(key);
    }
    return parents_.emplace(std::move(key), std::move(fd)).first->second.get();
}

bool RootfsWriter::clear_slot(int dirfd, const std::string& name, bool keep_dir)
{
    struct stat st;
    if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
        if (errno == ENOENT) return false;
        throw_errno("stat " + name);
    }
    if (S_ISDIR(st.st_mode)) {
        if (keep_dir) return true;
        remove_tree_at(dirfd, name);
    } else if (::unlinkat(dirfd, name.c_str(), 0) < 0) {
        throw_errno("remove " + name);
    }
    parents_stale_ = true;
    return false;
}

void RootfsWriter::mark(const std::string& path)
{
    std::string p = path;
    while (this_layer_.insert(p).second) {
        size_t slash = p.rfind('/');
        if (slash == std::string::npos) break;
        p.resize(slash);
    }
}

uint32_t RootfsWriter::host_uid(uint32_t id, const std::string& path) const
{
    auto h = opts_.uid_map.to_host(id);
    if (!h) throw Error("owner uid " + std::to_string(id) + " of " + path + " is outside the --uid-map ranges");
    return *h;
}

uint32_t RootfsWriter::host_gid(uint32_t id, const std::string& path) const
{
    auto h = opts_.gid_map.to_host(id);
    if (!h) throw Error("owner gid " + std::to_string(id) + " of " + path + " is outside the --gid-map ranges");
    return *h;
}

void RootfsWriter::set_owner_at(int dirfd, const std::string& name, const Meta& m, const std::string& path)
{
    if (!opts_.chown) return;
    int flags = AT_SYMLINK_NOFOLLOW | (name.empty() ? AT_EMPTY_PATH : 0);
    if (::fchownat(dirfd, name.c_str(), host_uid(m.uid, path), host_gid(m.gid, path), flags) < 0)
        throw_errno("chown " + path);
}

void RootfsWriter::set_xattrs(int fd, const Meta& m, const std::string& path)
{
    for (const auto& [key, value] : m.xattrs) {
        if (::fsetxattr(fd, key.c_str(), value.data(), value.size(), 0) == 0) continue;
        int err = errno;
        // Unprivileged, security.* and trusted.* are out of reach; some filesystems take no
        // xattrs at all. Both lose metadata, never data: a warning, as umoci gives.
        if (err == ENOTSUP || ((err == EPERM || err == EACCES) && !opts_.chown)) {
            warn("xattr " + key + " of " + path + " not kept: " + errno_text(err));
            continue;
        }
        throw_errno(err, "set xattr " + key + " of " + path);
    }
}

void RootfsWriter::directory(const std::string& path, const Meta& m)
{
    retire_parents();
    if (path.empty()) {  // "./": the rootfs itself
        set_owner_at(rootfd_, "", m, "/");
        set_xattrs(rootfd_, m, "/");
        dirs_.push_back({path, m.mode, m.mtime});
        return;
    }
    auto [par, base] = split_parent(path);
    std::string name = str(base);
    int pfd = parent_fd(par);
    bool kept = clear_slot(pfd, name, true);
    if (!kept && ::mkdirat(pfd, name.c_str(), 0700) < 0) throw_errno("mkdir " + path);
    mark(path);
    if (opts_.chown || !m.xattrs.empty()) {
        Fd d(::openat(pfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!d) throw_errno("open " + path);
        set_owner_at(d.get(), "", m, path);
        set_xattrs(d.get(), m, path);
    }
    dirs_.push_back({path, m.mode, m.mtime});
}

Fd RootfsWriter::regular_file(const std::string& path)
{
    retire_parents();
    if (path.empty()) throw Error("a regular file in place of the rootfs itself");
    auto [par, base] = split_parent(path);
    std::string name = str(base);
    int pfd = parent_fd(par);
    constexpr int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    // Most names are new: create first, make room only when something is there.
    Fd fd(::openat(pfd, name.c_str(), flags, 0600));
    if (!fd && errno == EEXIST) {
        clear_slot(pfd, name, false);
        fd.reset(::openat(pfd, name.c_str(), flags, 0600));
    }
    if (!fd) throw_errno("create " + path);
    mark(path);
    return fd;
}

void RootfsWriter::finish_file(int fd, const std::string& path, const Meta& m)
{
    // Owner before mode (chown clears setuid), xattrs after the owner (it clears
    // security.capability), times last.
    if (opts_.chown && ::fchown(fd, host_uid(m.uid, path), host_gid(m.gid, path)) < 0) throw_errno("chown " + path);
    if (::fchmod(fd, m.mode) < 0) throw_errno("chmod " + path);
    set_xattrs(fd, m, path);
    struct timespec ts[2] = {m.mtime, m.mtime};
    if (::futimens(fd, ts) < 0) throw_errno("set times of " + path);
}

void RootfsWriter::symlink(const std::string& path, const std::string& target, const Meta& m)
{
    retire_parents();
    if (path.empty()) throw Error("a symlink in place of the rootfs itself");
    auto [par, base] = split_parent(path);
    std::string name = str(base);
    int pfd = parent_fd(par);
    clear_slot(pfd, name, false);
    if (::symlinkat(target.c_str(), pfd, name.c_str()) < 0) throw_errno("symlink " + path);
    mark(path);
    set_owner_at(pfd, name, m, path);
    if (!m.xattrs.empty()) warn("xattrs of symlink " + path + " not kept");
    struct timespec ts[2] = {m.mtime, m.mtime};
    if (::utimensat(pfd, name.c_str(), ts, AT_SYMLINK_NOFOLLOW) < 0) throw_errno("set times of " + path);
}

void RootfsWriter::hardlink(const std::string& path, const std::string& target)
{
    retire_parents();
    if (path == target) return;
    if (path.empty() || target.empty()) throw Error("a hard link to or in place of the rootfs itself");
    auto [tpar, tbase] = split_parent(target);
    auto [par, base] = split_parent(path);
    std::string tname = str(tbase), name = str(base);
    // Both parents before anything is removed: a removal retires the cached fds.
    int tfd = parent_fd(tpar, false);
    int pfd = parent_fd(par);
    struct stat st;
    if (tfd < 0 || ::fstatat(tfd, tname.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0)
        throw Error("hard link to " + target + ": no such file in the rootfs");
    if (S_ISDIR(st.st_mode)) throw Error("hard link to directory " + target);
    clear_slot(pfd, name, false);
    // Without AT_SYMLINK_FOLLOW: a link to a symlink links the symlink, never its target.
    if (::linkat(tfd, tname.c_str(), pfd, name.c_str(), 0) < 0) throw_errno("hard link " + path + " to " + target);
    mark(path);
}

void RootfsWriter::node(const std::string& path, mode_t type, dev_t rdev, const Meta& m)
{
    retire_parents();
    if (type != S_IFIFO && !opts_.make_devices) {
        warn("device " + path + " (" + std::to_string(major(rdev)) + ":" + std::to_string(minor(rdev)) +
             ") skipped: an unprivileged user cannot create device nodes");
        return;
    }
    if (path.empty()) throw Error("a special file in place of the rootfs itself");
    auto [par, base] = split_parent(path);
    std::string name = str(base);
    int pfd = parent_fd(par);
    clear_slot(pfd, name, false);
    if (::mknodat(pfd, name.c_str(), type | 0600, rdev) < 0) throw_errno("mknod " + path);
    mark(path);
    set_owner_at(pfd, name, m, path);
    if (::fchmodat(pfd, name.c_str(), m.mode, 0) < 0) throw_errno("chmod " + path);
    if (!m.xattrs.empty()) {
        // An O_PATH fd reaches the node's inode without opening the device.
        Fd o(::openat(pfd, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
        if (!o) throw_errno("open " + path);
        std::string proc = "/proc/self/fd/" + std::to_string(o.get());
        for (const auto& [key, value] : m.xattrs)
            if (::setxattr(proc.c_str(), key.c_str(), value.data(), value.size(), 0) < 0)
                warn("xattr " + key + " of " + path + " not kept: " + errno_text(errno));
    }
    struct timespec ts[2] = {m.mtime, m.mtime};
    if (::utimensat(pfd, name.c_str(), ts, AT_SYMLINK_NOFOLLOW) < 0) throw_errno("set times of " + path);
}

void RootfsWriter::whiteout(const std::string& path)
{
    retire_parents();
    if (path.empty()) throw Error("a whiteout of the rootfs itself");
    auto [par, base] = split_parent(path);
    int pfd = parent_fd(par, false);
    if (pfd < 0) return;  // nothing below hides there
    struct stat st;
    std::string name = str(base);
    if (::fstatat(pfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
        if (errno == ENOENT) return;
        throw_errno("stat " + path);
    }
    remove_tree_at(pfd, name);
    parents_stale_ = true;
}

void RootfsWriter::opaque(const std::string& dir)
{
    Fd d(os::open_in_root(rootfd_, dir, O_RDONLY | O_DIRECTORY));
    if (!d) {
        if (errno == ENOENT) return;
        throw_errno("open " + (dir.empty() ? std::string("/") : dir));
    }
    mark(dir);
    purge_lower(d.get(), dir);
}

void RootfsWriter::purge_lower(int dirfd, const std::string& dir)
{
    auto entries = read_dir(dirfd, ".");
    for (const auto& e : entries.value_or(std::vector<DirEntry>{})) {
        std::string child = dir.empty() ? e.name : dir + "/" + e.name;
        if (!this_layer_.count(child)) {
            remove_tree_at(dirfd, e.name);
            parents_stale_ = true;
            continue;
        }
        struct stat st;
        if (::fstatat(dirfd, e.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) throw_errno("stat " + child);
        if (!S_ISDIR(st.st_mode)) continue;
        Fd sub(::openat(dirfd, e.name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!sub) throw_errno("open " + child);
        purge_lower(sub.get(), child);
    }
}

}  // namespace berth::unpack
