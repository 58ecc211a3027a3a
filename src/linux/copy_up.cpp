#include "berth/linux/copy_up.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "berth/util/fd.hpp"

namespace berth::os {

namespace {

// Owner, then mode (chown clears set-id bits), then times; on the entry itself, never through
// a symlink.
bool copy_attributes(int dst_dir, const char* name, const struct stat& st, Failure& f) noexcept
{
    if (::fchownat(dst_dir, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
        return f.set(errno, "chown %s", name);
    if (!S_ISLNK(st.st_mode) && ::fchmodat(dst_dir, name, st.st_mode & 07777, 0) < 0)
        return f.set(errno, "chmod %s", name);
    const struct timespec times[2] = {st.st_atim, st.st_mtim};
    if (::utimensat(dst_dir, name, times, AT_SYMLINK_NOFOLLOW) < 0) return f.set(errno, "set times of %s", name);
    return true;
}

bool copy_file(int src_dir, int dst_dir, const char* name, const struct stat& st, Failure& f) noexcept
{
    Fd in(::openat(src_dir, name, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
    if (!in) return f.set(errno, "open %s", name);
    Fd out(::openat(dst_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!out) return f.set(errno, "create %s", name);
    for (off_t left = st.st_size; left > 0;) {
        ssize_t n = ::sendfile(out.get(), in.get(), nullptr, static_cast<size_t>(left));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return f.set(errno, "copy %s", name);
        if (n == 0) break;  // the file shrank meanwhile: keep what was there
        left -= n;
    }
    return true;
}

bool copy_tree(int src_dir, int dst_dir, int depth, Failure& f) noexcept
{
    if (depth > max_copy_depth) return f.set(ELOOP, "more than %d directory levels", max_copy_depth);
    alignas(struct dirent64) char buf[4096];
    for (;;) {
        ssize_t n = ::getdents64(src_dir, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return f.set(errno, "read directory");
        if (n == 0) return true;
        for (ssize_t off = 0; off < n;) {
            // glibc's dirent64 has the kernel's record layout.
            const auto* d = reinterpret_cast<const struct dirent64*>(buf + off);
            off += d->d_reclen;
            const char* name = d->d_name;
            if (std::strcmp(name, ".") == 0 || std::strcmp(name, "..") == 0) continue;
            struct stat st;
            if (::fstatat(src_dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0) return f.set(errno, "stat %s", name);
            bool ok = true;
            if (S_ISDIR(st.st_mode)) {
                if (::mkdirat(dst_dir, name, 0700) < 0) return f.set(errno, "mkdir %s", name);
                Fd from(::openat(src_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
                Fd to(::openat(dst_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
                if (!from || !to) return f.set(errno, "open directory %s", name);
                ok = copy_tree(from.get(), to.get(), depth + 1, f);
            } else if (S_ISREG(st.st_mode)) {
                ok = copy_file(src_dir, dst_dir, name, st, f);
            } else if (S_ISLNK(st.st_mode)) {
                char target[PATH_MAX];
                ssize_t len = ::readlinkat(src_dir, name, target, sizeof target - 1);
                if (len < 0) return f.set(errno, "read symlink %s", name);
                target[len] = 0;
                if (::symlinkat(target, dst_dir, name) < 0) return f.set(errno, "symlink %s", name);
            } else if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
                if (::mknodat(dst_dir, name, st.st_mode, st.st_rdev) < 0) return f.set(errno, "mknod %s", name);
            } else {
                continue;  // a socket: meaningless without the process that bound it
            }
            if (!ok) return S_ISDIR(st.st_mode) ? f.wrap("%s", name) : false;
            if (!copy_attributes(dst_dir, name, st, f)) return false;
        }
    }
}

}  // namespace

bool copy_dir_contents(int src_dir, int dst_dir, Failure& f) noexcept
{
    // Own fds: getdents64 moves the offset of the description it reads.
    Fd from(::openat(src_dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!from) return f.set(errno, "open the directory to copy");
    Fd to(::openat(dst_dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!to) return f.set(errno, "open the copy's directory");
    return copy_tree(from.get(), to.get(), 0, f);
}

}  // namespace berth::os
