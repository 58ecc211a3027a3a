#include "berth/cgroups/fs.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <optional>

#include "berth/util/error.hpp"
#include "berth/util/file.hpp"
#include "berth/util/retry.hpp"

namespace berth::cgroups::fs {

namespace {

// Names of the sub-cgroups of dir; nullopt when dir does not exist.
std::optional<std::vector<std::string>> subdirs(const std::string& dir)
{
    auto entries = read_dir(AT_FDCWD, dir);
    if (!entries) return std::nullopt;
    std::vector<std::string> out;
    for (auto& e : *entries)
        if (e.type == DT_DIR) out.push_back(std::move(e.name));
    return out;
}

struct RemoveResult {
    int err = 0;
    std::string path;  // the dir that could not be removed
};

RemoveResult try_remove(const std::string& dir)
{
    // rmdir first: a container's cgroup rarely has children, and listing them costs six
    // system calls per hierarchy. EBUSY: children (or processes, which the retry waits out).
    if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return {};
    if (errno != EBUSY && errno != ENOTEMPTY) return {errno, dir};
    auto subs = subdirs(dir);
    if (!subs) return {};
    for (const auto& s : *subs) {
        auto r = try_remove(dir + "/" + s);
        if (r.err) return r;
    }
    if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return {};
    return {errno, dir};
}

}  // namespace

bool is_below(const std::string& mount_point, const std::string& dir)
{
    return !mount_point.empty() && mount_point.front() == '/' && dir.size() > mount_point.size() + 1 &&
           dir.starts_with(mount_point) && dir[mount_point.size()] == '/';
}

void make_dirs(const std::string& mount_point, const std::string& dir,
               const std::function<void(const std::string&)>& each_level)
{
    std::string ctx = "create cgroup " + dir;
    if (!is_below(mount_point, dir)) throw Error(ctx + ": not below the hierarchy mounted at " + mount_point);

    with_context(ctx, [&] { mkdir_p(dir, 0755, mount_point, each_level); });
}

void add_pid(const std::string& dir, pid_t pid)
{
    with_context("add process " + std::to_string(pid) + " to cgroup " + dir,
                 [&] { write_file(dir + "/cgroup.procs", std::to_string(pid)); });
}

void collect_pids(const std::string& dir, std::vector<pid_t>& out)
{
    auto procs = read_file_if_exists(dir + "/cgroup.procs");
    if (!procs) return;  // the cgroup is gone: no processes
    std::string_view s = *procs;
    while (!s.empty()) {
        auto nl = s.find('\n');
        auto line = s.substr(0, nl);
        s = nl == std::string_view::npos ? std::string_view{} : s.substr(nl + 1);
        pid_t pid = 0;
        auto [p, ec] = std::from_chars(line.data(), line.data() + line.size(), pid);
        if (ec == std::errc() && p == line.data() + line.size() && pid > 0) out.push_back(pid);
    }
    if (auto subs = subdirs(dir))
        for (const auto& sub : *subs) collect_pids(dir + "/" + sub, out);
}

void remove_dirs(const std::string& dir, Clock::time_point deadline)
{
    RemoveResult r;
    // EBUSY means processes are still leaving; anything else will not get better by waiting.
    poll_until(deadline, [&] {
        r = try_remove(dir);
        return r.err != EBUSY;
    });
    if (r.err) throw Error::sys(r.err, "remove cgroup " + r.path);
}

void signal_pids(const std::vector<pid_t>& pids, int sig)
{
    int first_err = 0;
    pid_t failed = 0;
    for (pid_t pid : pids) {
        if (pid <= 0) continue;  // kill(0) or kill(-1) would hit berth's own group or everything
        if (::kill(pid, sig) < 0 && errno != ESRCH && !first_err) {
            first_err = errno;
            failed = pid;
        }
    }
    if (first_err) throw_errno(first_err, "send signal " + std::to_string(sig) + " to process " + std::to_string(failed));
}

std::string trimmed(std::string_view s)
{
    auto ws = [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; };
    while (!s.empty() && ws(s.front())) s.remove_prefix(1);
    while (!s.empty() && ws(s.back())) s.remove_suffix(1);
    return std::string(s);
}

}  // namespace berth::cgroups::fs
