// Internal: file-system operations shared by the v1 and v2 back ends.
#pragma once
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace berth::cgroups::fs {

using Clock = std::chrono::steady_clock;

// Whether `dir` lies strictly below the absolute `mount_point`: never the hierarchy root
// itself, whose removal or kill would hit the whole host.
bool is_below(const std::string& mount_point, const std::string& dir);

// mkdir -p (berth::mkdir_p) of `dir`, which must lie below the existing `mount_point`.
// `each_level` runs for every level below mount_point, parents first, whether it was created
// now or not. Errors read "create cgroup <dir>: ...".
void make_dirs(const std::string& mount_point, const std::string& dir,
               const std::function<void(const std::string&)>& each_level = {});

// Writes pid to dir/cgroup.procs.
void add_pid(const std::string& dir, pid_t pid);

// Pids in dir/cgroup.procs and in every sub-cgroup; a missing dir yields nothing.
void collect_pids(const std::string& dir, std::vector<pid_t>& out);

// rmdir of dir and its sub-cgroups, deepest first. Retries EBUSY (processes still exiting)
// until `deadline`. A missing dir is fine.
void remove_dirs(const std::string& dir, Clock::time_point deadline);

// Sends sig to every pid; pids that are already gone are skipped.
void signal_pids(const std::vector<pid_t>& pids, int sig);

// File contents with surrounding whitespace removed.
std::string trimmed(std::string_view s);

}  // namespace berth::cgroups::fs
