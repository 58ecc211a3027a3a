// Internal: the container's cgroup in the unified (cgroup2) hierarchy.
#pragma once
#include <sys/types.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "berth/cgroups/fs.hpp"
#include "berth/util/json_reader.hpp"

namespace berth::cgroups {

class V2 {
public:
    V2(std::string mount_point, std::string dir) : mount_point_(std::move(mount_point)), dir_(std::move(dir)) {}

    void create() const;
    void add_process(pid_t pid) const;
    void destroy(fs::Clock::time_point deadline) const;
    std::vector<pid_t> pids() const;

    bool frozen() const;
    // Writes cgroup.freeze and waits for cgroup.events to agree; throws after a timeout.
    void set_frozen(bool frozen) const;
    // SIGKILLs everything through cgroup.kill. False when the kernel lacks it (before 5.14).
    bool kill() const;

    const std::string& mount_point() const { return mount_point_; }
    const std::string& dir() const { return dir_; }

    nlohmann::json to_json() const;
    // From to_json() output; dir must lie below the mount point (fs::is_below).
    static V2 from_json(const JsonNode& n);

private:
    std::string mount_point_;  // /sys/fs/cgroup or /sys/fs/cgroup/unified
    std::string dir_;          // the container's cgroup
};

}  // namespace berth::cgroups
