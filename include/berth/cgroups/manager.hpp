// A container's cgroup: placing its processes there, finding and killing them, removing it.
#pragma once
#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "berth/cgroups/devices.hpp"
#include "berth/cgroups/mode.hpp"
#include "berth/spec/config.hpp"

namespace berth::cgroups {

struct Options {
    std::string id;            // container id
    std::string cgroups_path;  // linux.cgroupsPath, may be empty
    bool disabled = false;     // --cgroup-manager=disabled: a manager that does nothing
    // --systemd-cgroup: a transient scope from systemd (cgroupsPath "slice:prefix:name").
    bool systemd = false;
    std::string systemd_helper;  // berth-systemd (systemd_client.hpp)
    // systemd only: the limits and device rules that become unit properties at the start.
    const spec::Resources* resources = nullptr;
    std::vector<DeviceRule> devices;
};

// One hierarchy a container's /sys/fs/cgroup mount needs (bind-mounted for a "cgroup" mount
// on v1/hybrid).
struct Hierarchy {
    std::string mount_name;  // dir under /sys/fs/cgroup: "memory", "cpu,cpuacct", "systemd", "unified";
                             // "" for pure v2, where the hierarchy is /sys/fs/cgroup itself
    std::string host_path;   // the container's cgroup dir on the host
    bool is_v2 = false;
};

// How a new process enters the container's cgroup by itself (Manager::self_join). Writing its
// pid to cgroup.procs takes the kernel's threadgroup lock for writing, which waits for an RCU
// grace period whenever no migration happened in the last few tens of milliseconds (~10 ms on
// this project's test VM: most of a cold start). Being cloned into the unified hierarchy
// (CLONE_INTO_CGROUP) takes it for reading only, and a thread moving itself by writing "0" to a
// v1 `tasks` file not at all (the kernel's single-thread fast path, Linux 5.x; where a kernel
// lacks it, the write waits like a pid's and still works).
struct SelfJoin {
    std::string clone_into;                // the unified hierarchy's dir; empty: none
    std::vector<std::string> tasks_files;  // one per v1 hierarchy
};

class Manager {
public:
    virtual ~Manager() = default;

    // mkdir -p of the container cgroup in every hierarchy; on failure the container dirs made
    // so far are removed again (parents such as /berth stay).
    virtual void create() = 0;
    // Whether the cgroup comes into being with the container's init in it: the systemd driver
    // starts a scope for a pid (systemd refuses an empty one). Then create() does nothing and
    // the creator calls create_with_init() once the init exists (before it runs the
    // container's code); the default is create() + add_process().
    virtual bool created_with_init() const { return false; }
    virtual void create_with_init(pid_t pid);
    // The systemd driver: stops the container's unit (the leftovers of a create berth did not
    // finish). Others have no unit: nothing.
    virtual void stop_unit() {}
    // Writes pid to cgroup.procs in every hierarchy.
    virtual void add_process(pid_t pid) = 0;
    // Where a new single-threaded process joins by itself instead of add_process() (SelfJoin);
    // nullopt where nothing is to be joined (no cgroup). A cgroup created_with_init() has it
    // only once it exists (for exec): the init itself is placed by create_with_init().
    virtual std::optional<SelfJoin> self_join() const { return std::nullopt; }
    // Every process of the container, sub-cgroups included, sorted.
    virtual std::vector<pid_t> pids() const = 0;
    // Signals every process. SIGKILL uses cgroup.kill where the kernel has it; otherwise the
    // cgroup is frozen while signalling so forking processes cannot escape. A paused cgroup
    // stays paused unless sig is SIGKILL.
    virtual void kill_all(int sig) = 0;
    // Removes the container's cgroup dirs (sub-cgroups first). Waits up to ~1 s for exiting
    // processes; missing dirs are fine.
    virtual void destroy() = 0;
    // Freezer state is FROZEN / cgroup.freeze is 1 (the "paused" status).
    virtual bool frozen() const = 0;
    // Freezes or thaws and waits until the kernel reports it done (pause / resume).
    // Not pure so that test doubles need not implement it; the default throws.
    virtual void set_frozen(bool frozen);
    // Device access control: v1 devices.deny/devices.allow in rule order, or on v2 an eBPF
    // program attached to the container's cgroup. Throws when neither can be had: device rules
    // are never silently dropped. The default throws (test doubles).
    virtual void apply_devices(const std::vector<DeviceRule>& rules);
    // linux.resources memory, cpu, cpuset and pids limits, each in the v1 hierarchy holding
    // the controller, else in the unified one (controllers enabled in the parents). A field
    // that cannot be applied throws naming its JSON path (and the missing file); returns
    // warnings about fields ignored as runc ignores them. The default throws (test doubles).
    virtual std::vector<std::string> apply_resources(const spec::Resources& resources);
    virtual std::vector<Hierarchy> hierarchies() const = 0;
    // Everything load_manager() needs to rebuild this manager.
    virtual nlohmann::json to_json() const = 0;
    virtual Mode mode() const = 0;
    // For messages: "cgroup /berth/c1".
    virtual std::string describe() const = 0;

};

// Manager for a new container; reads /proc/self/mountinfo once (and /proc/self/cgroup only
// for a relative cgroupsPath). cgroupsPath: empty -> /berth/<id> under each hierarchy root;
// "/a/b" -> under each hierarchy root; "a/b" -> under berth's own cgroup in each hierarchy;
// the systemd "slice:prefix:name" form, ".." components and NUL bytes are errors.
// With opts.systemd: the scope's cgroup from cgroupsPath "slice:prefix:name" (systemd_units.hpp)
// in every hierarchy; unit properties from opts.resources and opts.devices (errors name the
// field before anything exists).
std::unique_ptr<Manager> make_manager(const Options& opts);

// Rebuilds a manager from Manager::to_json() output without looking at the host.
std::unique_ptr<Manager> load_manager(const nlohmann::json& j);

}  // namespace berth::cgroups
