#include "berth/linux/in_root.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "berth/linux/syscalls.hpp"
#include "berth/util/fd.hpp"

namespace berth::os {

namespace {

constexpr int max_symlink_hops = 40;

std::vector<std::string_view> split(std::string_view path)
{
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < path.size()) {
        while (i < path.size() && path[i] == '/') ++i;
        size_t j = i;
        while (j < path.size() && path[j] != '/') ++j;
        if (j > i && path.substr(i, j - i) != ".") out.push_back(path.substr(i, j - i));
        i = j;
    }
    return out;
}

std::string join(const std::vector<std::string_view>& parts, size_t from, size_t to)
{
    std::string out;
    for (size_t k = from; k < to; ++k) {
        if (!out.empty()) out += '/';
        out += parts[k];
    }
    return out;
}

uint64_t resolve_bits(ResolveFlags rf)
{
    uint64_t r = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    if (rf.no_symlinks) r |= RESOLVE_NO_SYMLINKS;
    return r;
}

}  // namespace

int open_in_root(int rootfd, std::string_view path, int flags, ResolveFlags rf) noexcept
{
    // openat2 wants a NUL-terminated relative path; "/" alone means the root itself.
    char buf[4096];
    size_t i = 0;
    while (i < path.size() && path[i] == '/') ++i;
    std::string_view rel = path.substr(i);
    if (rel.size() + 2 > sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if (rel.empty()) {
        buf[0] = '.';
        buf[1] = 0;
    } else {
        rel.copy(buf, rel.size());
        buf[rel.size()] = 0;
    }
    int fd;
    do {
        fd = openat2(rootfd, buf, static_cast<uint64_t>(flags) | O_CLOEXEC, 0, resolve_bits(rf));
    } while (fd < 0 && errno == EAGAIN);  // openat2 asks for a retry when a rename raced the walk
    return fd;
}

int create_in_root(int rootfd, std::string_view path, Kind kind, mode_t mode, Failure& f, ResolveFlags rf)
{
    std::string todo(path);
    for (int hops = 0;;) {
        Fd fd(open_in_root(rootfd, todo, O_PATH, rf));
        if (fd) {
            struct stat st;
            if (::fstat(fd.get(), &st) < 0) {
                f.set(errno, "stat %.*s", static_cast<int>(path.size()), path.data());
                return -1;
            }
            bool is_dir = S_ISDIR(st.st_mode);
            if (kind == Kind::directory && !is_dir) {
                f.set(ENOTDIR, "%.*s", static_cast<int>(path.size()), path.data());
                return -1;
            }
            if (kind == Kind::file && is_dir) {
                f.set(EISDIR, "%.*s", static_cast<int>(path.size()), path.data());
                return -1;
            }
            return fd.release();
        }
        if (errno == ELOOP && rf.no_symlinks) {
            f.set(ELOOP, "%.*s: is or passes through a symlink; refusing", static_cast<int>(path.size()), path.data());
            return -1;
        }
        if (errno != ENOENT) {
            f.set(errno, "open %.*s in rootfs", static_cast<int>(path.size()), path.data());
            return -1;
        }
        // Find the first missing component; its parent exists and is inside the root. Mostly
        // it is the last one (a mount point in a fresh tmpfs), so its parent is tried first,
        // then the path is walked from the root.
        auto parts = split(todo);
        if (parts.empty()) {  // the root itself always resolves; a symlink to it as well
            f.set(ENOENT, "open %.*s in rootfs", static_cast<int>(path.size()), path.data());
            return -1;
        }
        size_t i = parts.size() - 1;
        Fd parent(i == 0 ? ::fcntl(rootfd, F_DUPFD_CLOEXEC, 3) : open_in_root(rootfd, join(parts, 0, i), O_PATH, rf));
        int err = parent ? 0 : errno;
        if (err == ENOENT) {
            parent.reset(::fcntl(rootfd, F_DUPFD_CLOEXEC, 3));
            err = parent ? 0 : errno;
            for (i = 0; !err && i < parts.size(); ++i) {
                int next = open_in_root(rootfd, join(parts, 0, i + 1), O_PATH, rf);
                if (next < 0) {
                    if (errno != ENOENT) err = errno;
                    break;
                }
                parent.reset(next);
            }
            if (!err && i == parts.size()) continue;  // appeared meanwhile: resolve again
        }
        if (err) {
            f.set(err, "open %.*s in rootfs", static_cast<int>(path.size()), path.data());
            return -1;
        }
        // The *at calls below take the O_PATH fd as their directory.
        std::string name(parts[i]);
        bool last = i + 1 == parts.size();
        int r;
        if (last && kind == Kind::file) {
            Fd created(::openat(parent.get(), name.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, mode));
            r = created ? 0 : -1;
        } else {
            r = ::mkdirat(parent.get(), name.c_str(), last ? mode : 0755);
        }
        if (r >= 0 || errno == EEXIST) {
            if (r < 0) {
                // EEXIST on a name openat2 could not resolve: a dangling symlink. Follow it
                // inside the root by rewriting the path; never create through it.
                if (rf.no_symlinks) {
                    f.set(ELOOP, "%.*s: is or passes through a symlink; refusing", static_cast<int>(path.size()), path.data());
                    return -1;
                }
                if (++hops > max_symlink_hops) {
                    f.set(ELOOP, "create %.*s in rootfs", static_cast<int>(path.size()), path.data());
                    return -1;
                }
                char target[4096];
                ssize_t n = ::readlinkat(parent.get(), name.c_str(), target, sizeof target - 1);
                if (n < 0) {
                    if (errno == EINVAL) continue;  // not a symlink (raced): resolve again
                    f.set(errno, "readlink %s", name.c_str());
                    return -1;
                }
                std::string_view t(target, static_cast<size_t>(n));
                std::string rewritten = t.front() == '/' ? std::string(t) : join(parts, 0, i) + "/" + std::string(t);
                std::string rest = join(parts, i + 1, parts.size());
                if (!rest.empty()) rewritten += "/" + rest;
                todo = std::move(rewritten);
            }
            continue;
        }
        f.set(errno, "create %s in rootfs for %.*s", name.c_str(), static_cast<int>(path.size()), path.data());
        return -1;
    }
}

}  // namespace berth::os
