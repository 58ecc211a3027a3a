#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dirent.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "berth/util/fd.hpp"

#include "berth/linux/process_setup.hpp"
#include "berth/spec/defaults.hpp"

namespace berth::os {

namespace {

// 0 when `path` is a regular file we may execute, else the errno execve would give.
int check_executable(const char* path)
{
    struct stat st;
    if (::stat(path, &st) < 0) return errno;
    if (S_ISDIR(st.st_mode)) return EACCES;
    if (::access(path, X_OK) < 0) return errno;
    return 0;
}

}  // namespace

bool find_executable(const char* arg0, const char* path_env, char* out, size_t out_size, Failure& f)
{
    if (!arg0 || !*arg0) return f.set(EINVAL, "process.args[0] is empty");
    if (std::strchr(arg0, '/')) {
        if (int e = check_executable(arg0)) return f.set(e, "exec: \"%s\": stat %s", arg0, arg0);
        std::snprintf(out, out_size, "%s", arg0);
        return true;
    }
    const char* p = path_env && *path_env ? path_env : spec::default_path;
    int denied = 0;
    while (*p) {
        const char* colon = std::strchr(p, ':');
        size_t len = colon ? static_cast<size_t>(colon - p) : std::strlen(p);
        int n = len == 0 ? std::snprintf(out, out_size, "./%s", arg0)
                         : std::snprintf(out, out_size, "%.*s/%s", static_cast<int>(len), p, arg0);
        if (n > 0 && static_cast<size_t>(n) < out_size) {
            int e = check_executable(out);
            if (e == 0) return true;
            if (e == EACCES) denied = e;
        }
        if (!colon) break;
        p = colon + 1;
    }
    if (denied) return f.set(denied, "exec: \"%s\"", arg0);
    // runc's wording; podman maps it to exit status 127.
    return f.set(0, "exec: \"%s\": executable file not found in $PATH", arg0);
}

bool prepare_fds_for_exec(int preserve_fds, Failure& f)
{
    unsigned first = 3u + static_cast<unsigned>(preserve_fds);
    if (::close_range(first, ~0u, CLOSE_RANGE_CLOEXEC) < 0) return f.set(errno, "close_range");
    for (int fd = 3; fd < 3 + preserve_fds; ++fd) {
        int flags = ::fcntl(fd, F_GETFD);
        if (flags < 0) return f.set(errno, "preserved fd %d", fd);
        if (::fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC) < 0) return f.set(errno, "preserved fd %d", fd);
    }
    return true;
}

std::vector<int> inherited_fds(int first)
{
    std::vector<int> out;
    Fd dir(::open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir) return out;  // no /proc: nothing to go by, and nothing worse than before
    alignas(struct dirent64) char buf[4096];
    for (;;) {
        ssize_t n = ::getdents64(dir.get(), buf, sizeof buf);
        if (n <= 0) break;
        for (ssize_t off = 0; off < n;) {
            // glibc's dirent64 has the kernel's record layout.
            const auto* d = reinterpret_cast<const struct dirent64*>(buf + off);
            off += d->d_reclen;
            int fd = -1;
            const char* name = d->d_name;
            auto [end, ec] = std::from_chars(name, name + std::strlen(name), fd);
            if (ec != std::errc() || *end || fd < first || fd == dir.get()) continue;
            int flags = ::fcntl(fd, F_GETFD);
            if (flags >= 0 && !(flags & FD_CLOEXEC)) out.push_back(fd);
        }
    }
    return out;
}

void close_fds(const std::vector<int>& fds) noexcept
{
    for (int fd : fds) ::close(fd);
}

}  // namespace berth::os
