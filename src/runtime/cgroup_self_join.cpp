#include "berth/runtime/cgroup_self_join.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "berth/util/file.hpp"

namespace berth::runtime {

std::optional<CgroupSelfJoin> open_self_join(const std::optional<cgroups::SelfJoin>& join, bool in_userns)
{
    if (!join || (in_userns && !join->tasks_files.empty())) return std::nullopt;
    CgroupSelfJoin out;
    if (!join->clone_into.empty()) out.clone_into = open_or_throw(join->clone_into, O_PATH | O_DIRECTORY);
    for (const auto& file : join->tasks_files) out.tasks.push_back({open_or_throw(file, O_WRONLY), file});
    return out;
}

bool join_cgroup_itself(std::vector<CgroupTasksFile>& tasks, Failure& f) noexcept
{
    for (auto& t : tasks) {
        if (::write(t.fd.get(), "0", 1) < 0) return f.set(errno, "join the container's cgroup: write %s", t.path.c_str());
        t.fd.reset();
    }
    return true;
}

}  // namespace berth::runtime
