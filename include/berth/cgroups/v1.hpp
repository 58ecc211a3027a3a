// Internal: the container's cgroups in the cgroup v1 hierarchies.
#pragma once
#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "berth/cgroups/fs.hpp"
#include "berth/util/json_reader.hpp"

namespace berth::cgroups {

struct V1Dir {
    std::string mount_point;               // /sys/fs/cgroup/memory
    std::vector<std::string> controllers;  // memory
    std::string dir;                       // /sys/fs/cgroup/memory/berth/c1

    bool has(std::string_view controller) const;
};

class V1 {
public:
    explicit V1(std::vector<V1Dir> dirs) : dirs_(std::move(dirs)) {}

    void create() const;  // also seeds empty cpuset.cpus/mems from the parent
    void add_process(pid_t pid) const;
    void destroy(fs::Clock::time_point deadline) const;

    // Hierarchy holding `controller`, or nullptr. (apply(resources) will write through this.)
    const V1Dir* find(std::string_view controller) const;
    // Hierarchy to list processes from: pids, else freezer; nullptr if neither is mounted.
    const V1Dir* process_source() const;

    bool has_freezer() const { return find("freezer") != nullptr; }
    bool frozen() const;
    // Writes freezer.state and waits for it to settle; throws after a timeout.
    void set_frozen(bool frozen) const;

    const std::vector<V1Dir>& dirs() const { return dirs_; }

    nlohmann::json to_json() const;
    // From to_json() output; each dir must lie below its mount point (fs::is_below).
    static V1 from_json(const JsonNode& n);

private:
    std::vector<V1Dir> dirs_;
};

}  // namespace berth::cgroups
