#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

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

}  // namespace berth::os
