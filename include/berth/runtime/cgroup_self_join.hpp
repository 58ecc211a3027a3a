// A new process entering the container's cgroup by itself (cgroups::SelfJoin says why): berth
// opens what it needs before the clone, the child finishes the join once berth says its device
// rules and limits are in place (cgroup_ready).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "berth/cgroups/manager.hpp"
#include "berth/util/failure.hpp"
#include "berth/util/fd.hpp"

namespace berth::runtime {

// A v1 hierarchy's `tasks` file, opened close-on-exec for the child to write "0" to.
struct CgroupTasksFile {
    Fd fd;
    std::string path;  // for errors
};

struct CgroupSelfJoin {
    Fd clone_into;  // O_PATH dir of the unified hierarchy's cgroup, for CLONE_INTO_CGROUP; or none
    std::vector<CgroupTasksFile> tasks;
};

// What `join` names, opened. nullopt stays nullopt. In a user namespace (`in_userns`) there are
// no v1 files to write: a `tasks` file opened by host root takes the write of a process there
// only on kernels that check the opener's credentials (5.16+), so on v1 berth writes the pid
// (nullopt); on pure v2 only the clone is needed.
std::optional<CgroupSelfJoin> open_self_join(const std::optional<cgroups::SelfJoin>& join, bool in_userns);

// In the child: moves itself (a single-threaded process: a thread writing "0" moves only
// itself) into every hierarchy in `tasks`, closing each file once written.
bool join_cgroup_itself(std::vector<CgroupTasksFile>& tasks, Failure& f) noexcept;

}  // namespace berth::runtime
