// What only a new container needs, computed before clone: its namespaces, names and root
// filesystem. The process it runs is a separate ProcessPlan (process_plan.hpp); what only the
// parent uses (id maps, oom_score_adj) is in ParentPlan.
#pragma once
#include <sched.h>
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "berth/cgroups/manager.hpp"
#include "berth/linux/cpu_placement.hpp"
#include "berth/linux/devices.hpp"
#include "berth/linux/id_maps.hpp"
#include "berth/linux/mounts.hpp"
#include "berth/linux/sysctl.hpp"
#include "berth/runtime/cgroup_self_join.hpp"
#include "berth/runtime/hook_exec.hpp"
#include "berth/runtime/process_plan.hpp"
#include "berth/spec/config.hpp"
#include "berth/util/fd.hpp"
#include "berth/util/log.hpp"

namespace berth::runtime {

struct NamespaceJoin {
    int nstype = 0;  // CLONE_NEWNET, ...
    std::string path;
    Fd fd;
};

struct ContainerPlan {
    // Namespaces
    uint64_t new_namespaces = 0;        // CLONE_NEW* the container gets fresh (incl. CLONE_NEWCGROUP)
    std::vector<NamespaceJoin> joins;   // non-user, non-pid namespaces joined by path
    std::optional<NamespaceJoin> join_user;
    std::optional<NamespaceJoin> join_pid;
    bool two_stage = false;             // joins that must precede creating namespaces: intermediate process
    // The new network namespace is made by berth right after the clone and sent to the init
    // (handshake step 4a), not by the clone: its ~0.5 ms of kernel work then overlaps the init's
    // first mounts instead of delaying them. Set by launch() when network_aside_possible() and
    // berth can return to its own network namespace (os::NetworkNamespaceMaker).
    bool network_aside = false;
    // Nothing berth does between the clone and go (handshake step 4) concerns this init: one
    // stage, no user namespace (no id maps, no bind sources to receive), no id-mapped mount, no
    // systemd scope to be placed in first, no execCPUAffinity.initial. It starts on its
    // mounts at once and takes go with the next message it waits for (the network namespace
    // or cgroup_ready). Set by launch().
    bool go_deferred = false;
    // Off berth's CPU from the clone until it has joined its cgroup, then back to its own mask
    // (cpu_placement.hpp). Set by launch() for a one-stage start with no execCPUAffinity.initial.
    os::CpuPlacement placement;
    // No mount namespace of its own (none listed, or berth's own joined by path): its mounts go
    // beneath the private copy of the rootfs berth mounted over it (private_rootfs.hpp), and
    // the init enters the rootfs by chroot, never pivot_root, which would move the host's root.
    bool shares_mount_ns = false;
    // linux.timeOffsets as timens_offsets lines; written by the intermediate between unshare
    // and the init's fork (the kernel takes them only before a process enters the namespace).
    std::string time_offsets;
    std::string keyring_name;           // empty: keep berth's session keyring (--no-new-keyring)
    // The init was born in its cgroup (CLONE_INTO_CGROUP) or there is none: nothing to wait
    // for. Otherwise it joins once berth sends cgroup_ready (device rules and limits written):
    // by itself through cgroup_tasks, or berth writes its pid (cgroups::SelfJoin says why the
    // first is preferred); it waits only before the steps that need the cgroup (the cgroup
    // namespace, exec).
    bool cgroup_at_clone = false;
    // v1 `tasks` files the init writes "0" to after cgroup_ready: it moves itself.
    std::vector<CgroupTasksFile> cgroup_tasks;

    // Host identity
    std::optional<std::string> hostname;
    std::optional<std::string> domainname;
    // linux.sysctl, in key order; written once the namespaces exist (os::apply_sysctls).
    std::vector<os::SysctlSetting> sysctls;

    // Root filesystem
    std::string rootfs;                 // absolute host path
    uint64_t rootfs_propagation = 0;    // MS_* | MS_REC
    bool readonly_root = false;
    bool no_pivot = false;
    std::vector<os::MountStep> mounts;
    os::CgroupMountPlan cgroup_mounts;
    // berth makes the default devices and /dev symlinks unless /dev is a bind mount (as runc):
    // on a /dev tmpfs of the config, or in the image's own /dev.
    bool default_devices = true;
    // The config's /dev mount is read-only ("ro", or "rro" for recursive). It is mounted
    // read-write, so that the mount points, nodes and symlinks berth puts there can be made,
    // and turned read-only once the rootfs is complete, as runc does. step: its index in
    // `mounts`, npos when /dev stays writable.
    struct ReadonlyDev {
        size_t step = static_cast<size_t>(-1);
        bool recursive = false;
    } readonly_dev;
    std::vector<os::DeviceNode> devices;
    std::vector<std::string> masked_paths;
    std::vector<std::string> readonly_paths;
    std::string cwd;                    // the process's cwd, created in the rootfs if missing
    // process.terminal: /dev/console is created (an empty file) if missing while /dev is still
    // writable; the process step binds the pty over it after pivot_root.
    bool console = false;

    // The steps after the mounts that the init takes while it waits at the network gate (the
    // first sysfs mount, berth still making the namespace) instead: those no mount from the
    // gate on lands on, in or above, nor anything created after them (cwd, /dev/console).
    // Set by launch() with network_aside (plan_early_steps).
    struct EarlySteps {
        bool devices = false;        // default devices and symlinks, linux.devices
        std::vector<bool> masked;    // per masked_paths entry (only with devices: /dev/null)
        std::vector<bool> readonly;  // per readonly_paths entry
    } early;

    // Stop after the mounts, before pivot_root, for berth to run the prestart and createRuntime
    // hooks (handshake step 6): set when the config has any.
    bool pause_before_pivot = false;
    // Hooks the init runs itself (hooks.hpp): createContainer before pivot_root, startContainer
    // once the start gate opens, right before execve.
    HookList create_container_hooks;
    HookList start_container_hooks;

    // berth runs rootless (runtime::is_rootless): no mknod, no sysfs or cgroup2 of its own
    // without the matching namespaces; host nodes and trees are bound instead, as in a new
    // user namespace.
    bool rootless = false;
    // berth, not root, maps a new user namespace: the init (and the intermediate) stay
    // dumpable until the maps are written, or the kernel refuses the user /proc/<pid>/uid_map.
    bool dumpable_until_mapped = false;
    // What the caller left open to berth beyond stdio and the preserved fds (os::inherited_fds):
    // closed as a created container's init starts, so that it holds none of it until `start`.
    // Empty for run, whose init execs without waiting and closes them then.
    std::vector<int> inherited_fds;

    bool in_user_namespace() const { return (new_namespaces & CLONE_NEWUSER) || join_user.has_value(); }
    // One stage, a new network namespace and no user namespace: a network namespace belongs to
    // the user namespace of the task that makes it, which berth's is only then.
    bool network_aside_possible() const
    {
        return !two_stage && (new_namespaces & CLONE_NEWNET) && !in_user_namespace();
    }
};

// Which of the steps after the mounts can be taken at the network gate (ContainerPlan::early).
ContainerPlan::EarlySteps plan_early_steps(const ContainerPlan& plan);

// Steps only berth itself performs, on the init from outside.
struct ParentPlan {
    std::string uid_map;  // "0 100000 65536\n" lines for a new user namespace
    std::string gid_map;
    os::MapWriter map_writer = os::MapWriter::direct;  // who writes them (rootless: not berth alone)
    std::optional<int> oom_score_adj;
    std::vector<std::pair<std::string, std::string>> net_devices;  // host name -> name inside
    // linux.seccomp.listenerPath/listenerMetadata: where the notify fd goes (with a listener).
    std::string seccomp_listener_path;
    std::string seccomp_listener_metadata;
};

struct Plan {
    ContainerPlan container;
    ProcessPlan process;
    ParentPlan parent;

    // The argv/envp pointers of the process and of the init's hooks. Call once the plan sits
    // where the child will read it.
    void finalize_pointers();
};

struct PlanInputs {
    std::string id;
    std::string rootfs;  // absolute
    std::string bundle;  // absolute; relative bind sources are resolved against it
    bool no_pivot = false;
    bool no_new_keyring = false;
    int preserve_fds = 0;
    cgroups::Mode cgroup_mode = cgroups::Mode::unified;
    std::vector<cgroups::Hierarchy> hierarchies;  // empty when cgroups are disabled
    std::string seccomp_cache_dir;                // compiled seccomp filters; empty: no cache
};

// linux.resources.devices in order, with runc's default allow list (cgroups/devices.hpp)
// inserted after the config's last deny-all rule.
std::vector<cgroups::DeviceRule> device_rules(const spec::Config& config);

// config.json -> Plan. The config was validated by the parser; this only translates, and
// throws Error with the config's JSON path for what cannot be translated on this host
// (a namespace path that cannot be opened). Opens the fds the init needs.
Plan build_plan(const spec::Config& config, const PlanInputs& in, const Logger& log);

}  // namespace berth::runtime
