#include "berth/state/store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <exception>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

#include "berth/linux/syscalls.hpp"
#include "berth/state/container_id.hpp"
#include "berth/state/files.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"

// Locking: flock(LOCK_EX) on the container directory's own fd rather than on a ".lock" file.
// The lock then lives on the very inode that is the container, so "is the directory I locked
// still <root>/<id>?" is one fstat comparison; there is no lock file to create in a racy window,
// to skip in list(), or to outlive the directory. flock (not fcntl) locks belong to the open
// file description, so opening and closing the same path elsewhere in the process (remove_tree
// does) cannot drop the lock, and two ContainerDirs in one process exclude each other too.

namespace berth::state {

namespace {

constexpr mode_t root_mode = 0700;
// 0711 like runc: other users may traverse to files the container init opens by path after it
// has changed its uid (the root itself stays 0700, so this only matters inside user namespaces).
constexpr mode_t container_dir_mode = 0711;

Error exists_error(const std::string& id) { return Error("container with id exists: " + id); }
Error missing_error(const std::string& id) { return Error("container \"" + id + "\" does not exist"); }

Fd open_dir_at(int dirfd, const std::string& name, int extra_flags = 0)
{
    return Fd(::openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | extra_flags));
}

void lock_exclusive(int fd, const std::string& path, bool nonblocking = false)
{
    while (::flock(fd, LOCK_EX | (nonblocking ? LOCK_NB : 0)) < 0) {
        if (errno != EINTR) throw_errno("lock " + path);
    }
}

bool same_inode(const struct stat& a, const struct stat& b) { return a.st_dev == b.st_dev && a.st_ino == b.st_ino; }

// An empty directory that is removed again unless disarmed.
struct TempDir {
    int rootfd;
    std::string name;
    bool armed = true;
    ~TempDir()
    {
        if (armed) ::unlinkat(rootfd, name.c_str(), AT_REMOVEDIR);
    }
};

constexpr std::string_view creating_prefix = "~creating.";

// Creates "<root>/~creating.<pid>.<n>.<id>" ('~' is never in an id, so it cannot clash with a
// container; ".<id>" is left out when the name would be too long), returning its name. A berth
// killed before the rename leaves it behind: list() ignores it, and remove_creating_debris()
// (delete -f of the id, list) removes it once its creator is gone.
std::string make_temp_dir(int rootfd, const std::string& root, const std::string& id)
{
    for (unsigned n = 0;; ++n) {
        std::string name = std::string(creating_prefix) + std::to_string(::getpid()) + "." + std::to_string(n);
        if (name.size() + 1 + id.size() <= NAME_MAX) name += "." + id;
        if (::mkdirat(rootfd, name.c_str(), container_dir_mode) == 0) return name;
        // EEXIST: debris of an earlier process that had our pid; try the next name.
        if (errno != EEXIST || n >= 1000) throw_errno("mkdir " + path_join(root, name));
    }
}

// "~creating.<pid>.<n>[.<id>]" -> pid and id ("" when the name has none); pid 0: not debris.
std::pair<pid_t, std::string_view> parse_temp_name(std::string_view name)
{
    if (!name.starts_with(creating_prefix)) return {0, {}};
    name.remove_prefix(creating_prefix.size());
    auto digits = [&name]() -> std::optional<long> {
        size_t n = 0;
        long v = 0;
        while (n < name.size() && n < 10 && name[n] >= '0' && name[n] <= '9') v = v * 10 + (name[n++] - '0');
        if (n == 0) return std::nullopt;
        name.remove_prefix(n);
        return v;
    };
    auto pid = digits();
    if (!pid || *pid <= 0 || !name.starts_with('.')) return {0, {}};
    name.remove_prefix(1);
    if (!digits()) return {0, {}};
    if (name.empty()) return {static_cast<pid_t>(*pid), {}};
    if (name.front() != '.') return {0, {}};
    return {static_cast<pid_t>(*pid), name.substr(1)};
}

}  // namespace

void Store::remove_creating_debris(std::string_view id) const
{
    Fd root = open_dir_at(AT_FDCWD, root_);
    if (!root) return;
    std::optional<std::vector<DirEntry>> entries;
    try {
        entries = read_dir(root.get(), ".");
    } catch (const Error&) {
        return;  // best effort: debris is harmless, the command's own work is what matters
    }
    for (const auto& e : entries.value_or(std::vector<DirEntry>{})) {
        auto [pid, of] = parse_temp_name(e.name);
        if (pid == 0 || (!id.empty() && of != id)) continue;
        // Its creator holds its lock from just after mkdir, and lives while it is in that window.
        if (::kill(pid, 0) == 0 || errno != ESRCH) continue;
        Fd dir = open_dir_at(root.get(), e.name, O_NOFOLLOW);
        if (!dir || ::flock(dir.get(), LOCK_EX | LOCK_NB) < 0) continue;
        ::unlinkat(root.get(), e.name.c_str(), AT_REMOVEDIR);  // only ever empty: files come after the rename
    }
}

ContainerDir Store::create(std::string_view id_view) const
{
    validate_container_id(id_view);
    std::string id(id_view);
    std::string path = path_join(root_, id);

    with_context("create state root " + root_, [&] { mkdir_p(root_, root_mode); });
    Fd root = open_or_throw(root_, O_RDONLY | O_DIRECTORY);

    struct stat st;
    if (::fstatat(root.get(), id.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) throw exists_error(id);
    if (errno != ENOENT) throw_errno("stat " + path);  // e.g. ENAMETOOLONG for ids over NAME_MAX

    // Build and lock the directory under a temporary name, then move it into place without
    // replacing anything: the container becomes visible only once it is locked, so a
    // concurrent open()/delete can never grab it between mkdir and flock. (Debris of killed
    // creates is swept by list() and delete -f, not here: a scan of the root on every create
    // made its cost grow with the number of containers.)
    TempDir tmp{root.get(), make_temp_dir(root.get(), root_, id)};
    Fd dir = open_dir_at(root.get(), tmp.name, O_NOFOLLOW);
    if (!dir) throw_errno("open " + path_join(root_, tmp.name));
    lock_exclusive(dir.get(), path, /*nonblocking=*/true);  // nobody else knows this directory

    if (::renameat2(root.get(), tmp.name.c_str(), root.get(), id.c_str(), RENAME_NOREPLACE) == 0) {
        tmp.armed = false;
        return ContainerDir(std::move(id), std::move(path), std::move(dir), true);
    }
    if (errno == EEXIST) throw exists_error(id);
    if (errno != EINVAL && errno != ENOSYS) throw_errno("rename to " + path);

    // The filesystem lacks RENAME_NOREPLACE (e.g. NFS): create in place; exclusivity still
    // comes from mkdir, only the short mkdir-to-flock window is no longer closed.
    dir.reset();
    ::unlinkat(root.get(), tmp.name.c_str(), AT_REMOVEDIR);
    tmp.armed = false;
    if (::mkdirat(root.get(), id.c_str(), container_dir_mode) < 0) {
        if (errno == EEXIST) throw exists_error(id);
        throw_errno("mkdir " + path);
    }
    TempDir undo{root.get(), id};
    dir = open_dir_at(root.get(), id, O_NOFOLLOW);
    if (!dir) throw_errno("open " + path);
    lock_exclusive(dir.get(), path);
    undo.armed = false;
    return ContainerDir(std::move(id), std::move(path), std::move(dir), true);
}

ContainerDir Store::open(std::string_view id_view) const
{
    validate_container_id(id_view);
    std::string id(id_view);
    std::string path = path_join(root_, id);

    Fd root = open_dir_at(AT_FDCWD, root_);
    if (!root) {
        if (errno == ENOENT) throw missing_error(id);
        throw_errno("open " + root_);
    }
    // Loops only when the container was deleted and re-created while we waited for the lock;
    // each round means another berth process finished its work, so this terminates in practice.
    for (;;) {
        Fd dir = open_dir_at(root.get(), id, O_NOFOLLOW);
        if (!dir) {
            if (errno == ENOENT || errno == ENOTDIR) throw missing_error(id);
            throw_errno("open " + path);
        }
        lock_exclusive(dir.get(), path);

        // The previous holder may have deleted the directory (delete keeps the lock until it is
        // gone): only a directory still linked at <root>/<id> is the container.
        struct stat locked, current;
        if (::fstat(dir.get(), &locked) < 0) throw_errno("stat " + path);
        if (::fstatat(root.get(), id.c_str(), &current, AT_SYMLINK_NOFOLLOW) < 0) {
            if (errno == ENOENT) throw missing_error(id);
            throw_errno("stat " + path);
        }
        if (same_inode(locked, current)) return ContainerDir(std::move(id), std::move(path), std::move(dir), true);
    }
}

ContainerDir Store::inspect(std::string_view id_view) const
{
    validate_container_id(id_view);
    std::string id(id_view);
    std::string path = path_join(root_, id);
    Fd dir = open_dir_at(AT_FDCWD, path, O_NOFOLLOW);
    if (!dir) {
        if (errno == ENOENT || errno == ENOTDIR) throw missing_error(id);
        throw_errno("open " + path);
    }
    return ContainerDir(std::move(id), std::move(path), std::move(dir), false);
}

std::vector<std::string> Store::list() const
{
    Fd root = open_dir_at(AT_FDCWD, root_);  // follows a symlinked root, like open() and create()
    if (!root) {
        if (errno == ENOENT) return {};
        throw_errno("open " + root_);
    }
    return list_ids(root.get(), true);
}

void Store::each_record(const std::function<void(Record&&)>& each, unsigned threads) const
{
    Fd root = open_dir_at(AT_FDCWD, root_);
    if (!root) {
        if (errno == ENOENT) return;
        throw_errno("open " + root_);
    }
    const std::vector<std::string> ids = list_ids(root.get(), false);
    auto one = [&](const std::string& id) {
        std::string rel = id + "/" + state_file;
        int raw;
        do {
            raw = os::openat2(root.get(), rel.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0,
                              RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
        } while (raw < 0 && errno == EAGAIN);  // a rename raced the walk
        Fd fd(raw);
        if (!fd) return;  // being created or deleted, or not a container's directory
        std::optional<Record> rec;
        try {
            rec = parse_record(read_small_fd(fd.get()));
        } catch (const Error&) {
            // Unreadable or malformed (a directory named state.json reads EISDIR): left out.
        }
        fd.reset();
        if (rec && rec->id == id) each(std::move(*rec));  // another id: corrupt, as inspect() says
    };
    // A thread costs about what a few records do; below this many per thread it is not worth it.
    constexpr size_t min_per_thread = 32;
    threads = static_cast<unsigned>(std::min<size_t>(threads, ids.size() / min_per_thread));
    if (threads <= 1) {
        for (const auto& id : ids) one(id);
        return;
    }
    std::atomic<size_t> next{0};
    std::mutex failed_mutex;
    std::exception_ptr failed;
    auto work = [&]() noexcept {
        try {
            for (size_t i; (i = next.fetch_add(1)) < ids.size();) one(ids[i]);
        } catch (...) {
            next.store(ids.size());  // the others stop after their current record
            std::lock_guard lock(failed_mutex);
            if (!failed) failed = std::current_exception();
        }
    };
    std::vector<std::thread> pool;
    pool.reserve(threads - 1);
    try {
        for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
    } catch (const std::system_error&) {
        // No thread to be had (RLIMIT_NPROC, memory): the ones started and this one do it all.
    }
    work();
    for (auto& t : pool) t.join();
    if (failed) std::rethrow_exception(failed);
}

std::vector<std::string> Store::list_ids(int rootfd, bool check_record) const
{
    std::vector<std::string> ids;
    auto entries = with_context("list " + root_, [&] { return read_dir(rootfd, "."); });
    bool debris = false;
    for (auto& e : entries.value_or(std::vector<DirEntry>{})) {
        if (!is_valid_container_id(e.name)) {
            debris = debris || parse_temp_name(e.name).first != 0;
            continue;
        }
        struct stat st;
        if (e.type != DT_DIR) {  // DT_UNKNOWN on some filesystems: ask
            if (e.type != DT_UNKNOWN || ::fstatat(rootfd, e.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0 ||
                !S_ISDIR(st.st_mode))
                continue;
        }
        if (check_record) {
            std::string rec = e.name + "/" + state_file;
            if (::fstatat(rootfd, rec.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode)) continue;
        }
        ids.push_back(std::move(e.name));
    }
    std::sort(ids.begin(), ids.end());
    // Engines list often; what killed creates left behind goes then (rare, and only if seen).
    if (debris) remove_creating_debris({});
    return ids;
}

}  // namespace berth::state

namespace berth::state {

bool Store::exists(std::string_view id) const
{
    if (!is_valid_container_id(id)) return false;
    return path_exists(root_ + "/" + std::string(id));
}

}  // namespace berth::state
