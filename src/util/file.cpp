#include "berth/util/file.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>

#include "berth/util/error.hpp"

namespace berth {

Fd open_or_throw(const std::string& path, int flags, unsigned mode)
{
    int fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
    if (fd < 0) throw_errno("open " + path);
    return Fd(fd);
}

Fd openat_or_throw(int dirfd, const std::string& path, int flags, unsigned mode)
{
    int fd = ::openat(dirfd, path.c_str(), flags | O_CLOEXEC, mode);
    if (fd < 0) throw_errno("open " + path);
    return Fd(fd);
}

namespace {

// A regular file straight into a buffer of its size (plus one byte, to see EOF in the same
// read): an 18 KB config.json appended in 8 KiB pieces cost two reallocations, and the copies
// touched three times the pages. `what` names it in errors ("" for read_fd's).
std::string read_sized(int fd, size_t size, size_t max_size, const std::string& what)
{
    std::string out(size + 1, '\0');
    size_t got = 0;
    for (;;) {
        ssize_t n = ::read(fd, out.data() + got, out.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_errno(what.empty() ? std::string("read") : "read " + what);
        if (n == 0) break;
        got += static_cast<size_t>(n);
        if (got == out.size()) {  // grew since fstat: go on in bigger steps, within the limit
            if (out.size() > max_size) throw Error(what + ": grew past " + std::to_string(max_size) + " bytes while read");
            out.resize(out.size() * 2);
        }
    }
    out.resize(got);
    if (out.size() > max_size) throw Error(what + ": grew past " + std::to_string(max_size) + " bytes while read");
    return out;
}

}  // namespace

std::string read_fd(int fd)
{
    struct stat st;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
        return read_sized(fd, static_cast<size_t>(st.st_size), SIZE_MAX, "");
    // Kernel files (size 0) and pipes: mostly small, so no bigger buffer than they need.
    std::string out;
    char buf[8192];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("read");
        }
        if (n == 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    return out;
}

std::string read_regular_file(const std::string& path, size_t max_size)
{
    Fd fd = open_or_throw(path, O_RDONLY | O_NONBLOCK | O_NOCTTY);
    struct stat st;
    if (::fstat(fd.get(), &st) < 0) throw_errno("stat " + path);
    if (!S_ISREG(st.st_mode)) throw Error(path + ": not a regular file");
    if (static_cast<uint64_t>(st.st_size) > max_size)
        throw Error(path + ": " + std::to_string(st.st_size) + " bytes, more than the " + std::to_string(max_size) +
                    " berth reads");
    return read_sized(fd.get(), static_cast<size_t>(st.st_size), max_size, path);
}

std::string read_file(const std::string& path)
{
    Fd fd = open_or_throw(path, O_RDONLY);
    return with_context("read " + path, [&] { return read_fd(fd.get()); });
}

namespace {

// Empty when there is no such file; other errors throw.
Fd open_if_exists(const std::string& path)
{
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd && errno != ENOENT) throw_errno("open " + path);
    return fd;
}

}  // namespace

std::optional<std::string> read_file_if_exists(const std::string& path)
{
    Fd fd = open_if_exists(path);
    if (!fd) return std::nullopt;
    return with_context("read " + path, [&] { return read_fd(fd.get()); });
}

std::string read_small_fd(int fd)
{
    char buf[4096];
    ssize_t n;
    do {
        n = ::read(fd, buf, sizeof buf);
    } while (n < 0 && errno == EINTR);
    if (n < 0) throw_errno("read");
    std::string out(buf, static_cast<size_t>(n));
    if (static_cast<size_t>(n) > sizeof buf / 2) out += read_fd(fd);  // not that small: to EOF
    return out;
}

std::string read_small_file(const std::string& path)
{
    Fd fd = open_or_throw(path, O_RDONLY);
    return with_context("read " + path, [&] { return read_small_fd(fd.get()); });
}

std::optional<std::string> read_small_file_if_exists(const std::string& path)
{
    Fd fd = open_if_exists(path);
    if (!fd) return std::nullopt;
    return with_context("read " + path, [&] { return read_small_fd(fd.get()); });
}

bool write_all(int fd, const void* buf, size_t len) noexcept
{
    auto p = static_cast<const char*>(buf);
    while (len > 0) {
        ssize_t n = ::write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        p += n;
        len -= static_cast<size_t>(n);
    }
    return true;
}

bool pread_all(int fd, void* buf, size_t len, uint64_t offset) noexcept
{
    auto p = static_cast<char*>(buf);
    while (len > 0) {
        ssize_t n = ::pread(fd, p, len, static_cast<off_t>(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        p += n;
        len -= static_cast<size_t>(n);
        offset += static_cast<uint64_t>(n);
    }
    return true;
}

void write_file(const std::string& path, std::string_view data)
{
    Fd fd = open_or_throw(path, O_WRONLY);
    if (::write(fd.get(), data.data(), data.size()) < 0) throw_errno("write " + path);
}

void write_file_atomic(int dirfd, const std::string& name, std::string_view data, unsigned mode)
{
    std::string tmp = "." + name + ".tmp";
    int fd = ::openat(dirfd, tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0) throw_errno("open " + tmp);
    Fd owned(fd);
    // A full or failing disk must not leave the temporary file behind (a pid file's sits in the
    // caller's directory); errno is the write's or the rename's, not the unlink's.
    auto fail = [&](const std::string& what) {
        int err = errno;
        ::unlinkat(dirfd, tmp.c_str(), 0);
        throw_errno(err, what);
    };
    if (!write_all(fd, data.data(), data.size())) fail("write " + tmp);
    // No fsync: the rename alone gives readers the old or the new file, and what these files
    // describe (running processes, their pids) does not survive a crash either. On ext4 an
    // fsync waits for a journal commit, milliseconds on every `berth run`.
    owned.reset();
    const std::string what = "rename " + tmp + " to " + name;
    if (::renameat2(dirfd, tmp.c_str(), dirfd, name.c_str(), RENAME_NOREPLACE) == 0) return;
    // Replacing: swap the two and unlink the old one. A rename over an existing file makes ext4
    // allocate and start writing the new file's blocks at once (its auto_da_alloc heuristic):
    // measured here, the replace took ~70 us and the later unlink ~130 us; swapped, ~25 and
    // ~6 us. Readers still see the old file or the new one.
    if (errno == EEXIST) {
        if (::renameat2(dirfd, tmp.c_str(), dirfd, name.c_str(), RENAME_EXCHANGE) == 0) {
            if (::unlinkat(dirfd, tmp.c_str(), 0) == 0 || errno != EISDIR) return;  // a leftover is truncated next time
            // `name` was a directory: put it back and fail as rename(2) does.
            ::renameat2(dirfd, tmp.c_str(), dirfd, name.c_str(), RENAME_EXCHANGE);
            errno = EISDIR;
        }
    }
    // Only a filesystem without renameat2's flags gets a plain rename; other errors are real.
    if (errno != EINVAL && errno != ENOSYS) fail(what);
    if (::renameat(dirfd, tmp.c_str(), dirfd, name.c_str()) < 0) fail(what);
}

void write_file_atomic(const std::string& path, std::string_view data, unsigned mode)
{
    auto slash = path.rfind('/');
    std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
    std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    Fd dfd = open_or_throw(dir, O_RDONLY | O_DIRECTORY);
    write_file_atomic(dfd.get(), name, data, mode);
}

std::optional<std::vector<DirEntry>> read_dir(int dirfd, const std::string& path)
{
    Fd fd(::openat(dirfd, path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT) return std::nullopt;
        throw_errno("open " + path);
    }
    DIR* d = ::fdopendir(fd.get());
    if (!d) throw_errno("fdopendir " + path);
    (void)fd.release();  // the DIR* owns it now
    struct Closer {
        DIR* d;
        ~Closer() { ::closedir(d); }
    } closer{d};
    std::vector<DirEntry> out;
    errno = 0;
    while (struct dirent* e = ::readdir(d)) {
        std::string_view n(e->d_name);
        if (n != "." && n != "..") out.push_back({std::string(n), e->d_type});
    }
    if (errno) throw_errno("read directory " + path);
    return out;
}

namespace {
bool is_dir(const std::string& path)
{
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}
}  // namespace

void mkdir_p(const std::string& path, unsigned mode, const std::string& base,
             const std::function<void(const std::string&)>& each_level)
{
    if (path.empty()) throw Error("mkdir: empty path");
    bool below_base = base.empty() || (path.starts_with(base) && (path.size() == base.size() ||
                                                                  path[base.size()] == '/' || base.back() == '/'));
    if (!below_base) throw Error("mkdir " + path + ": not below " + base);

    // The parents usually exist (a cgroup's berth/ level): one mkdir then, not one per level.
    if (!each_level) {
        if (::mkdir(path.c_str(), mode) == 0) return;
        if (errno == EEXIST && is_dir(path)) return;
    }
    std::string level = base.empty() && path.front() == '/' ? std::string("/") : base;
    std::string_view rest = std::string_view(path).substr(base.size());
    while (!rest.empty()) {
        auto slash = rest.find('/');
        auto comp = rest.substr(0, slash);
        rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
        if (comp.empty()) continue;  // leading, trailing or doubled '/'
        if (!level.empty() && level.back() != '/') level += '/';
        level += comp;
        if (::mkdir(level.c_str(), mode) < 0) {
            int err = errno;  // EEXIST usually; EACCES or EROFS for an existing parent of ours
            if (!is_dir(level)) throw_errno(err == EEXIST ? ENOTDIR : err, "mkdir " + level);
        }
        if (each_level) each_level(level);
    }
}

void remove_tree_at(int dirfd, const std::string& name)
{
    if (::unlinkat(dirfd, name.c_str(), 0) == 0 || errno == ENOENT) return;
    if (errno != EISDIR && errno != EPERM) throw_errno("unlink " + name);
    Fd dir(::openat(dirfd, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!dir) {
        if (errno == ENOENT) return;
        throw_errno("open " + name);
    }
    auto entries = read_dir(dir.get(), ".");
    for (const auto& e : entries.value_or(std::vector<DirEntry>{})) remove_tree_at(dir.get(), e.name);
    if (::unlinkat(dirfd, name.c_str(), AT_REMOVEDIR) < 0 && errno != ENOENT) throw_errno("rmdir " + name);
}

void remove_tree(const std::string& path)
{
    with_context("remove " + path, [&] { remove_tree_at(AT_FDCWD, path); });
}

std::string path_join(std::string_view a, std::string_view b)
{
    std::string out(a);
    while (!b.empty() && b.front() == '/') b.remove_prefix(1);
    if (out.empty() || out.back() != '/') out += '/';
    out += b;
    return out;
}

bool path_exists(const std::string& path)
{
    struct stat st;
    return ::lstat(path.c_str(), &st) == 0;
}

}  // namespace berth
