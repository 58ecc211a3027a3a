// Everything the container init needs, computed by berth before clone: the child then only
// executes system calls on prepared data (paths, argv/envp arrays, masks), which keeps the code
// between clone and execve short, allocation-light and free of config parsing.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "berth/linux/devices.hpp"
#include "berth/linux/mounts.hpp"
#include "berth/linux/process_setup.hpp"
#include "berth/util/fd.hpp"

namespace berth::runtime {

struct NamespaceJoin {
    int nstype = 0;  // CLONE_NEWNET, ...
    std::string path;
    Fd fd;
};

struct IdMaps {
    std::string uid_map;  // "0 100000 65536\n" lines, written by the parent
    std::string gid_map;
};

struct InitPlan {
    // Namespaces
    uint64_t new_namespaces = 0;        // CLONE_NEW* the container gets fresh (incl. CLONE_NEWCGROUP)
    std::vector<NamespaceJoin> joins;   // non-user, non-pid namespaces joined by path
    std::optional<NamespaceJoin> join_user;
    std::optional<NamespaceJoin> join_pid;
    bool two_stage = false;             // joins that must precede creating namespaces: intermediate process
    IdMaps id_maps;                     // for a new user namespace
    std::string keyring_name;           // empty: keep berth's session keyring (--no-new-keyring)
    // The init was born in its cgroup (CLONE_INTO_CGROUP) or there is none: nothing to wait
    // for. Otherwise berth writes cgroup.procs, which on v1 stalls ~10 ms for an RCU grace
    // period, while the init already builds its rootfs; it waits only before the steps that
    // need the cgroup (the cgroup namespace, exec).
    bool cgroup_at_clone = false;

    // Host identity
    std::optional<std::string> hostname;
    std::optional<std::string> domainname;

    // Root filesystem
    std::string rootfs;                 // absolute host path
    uint64_t rootfs_propagation = 0;    // MS_* | MS_REC
    bool readonly_root = false;
    bool no_pivot = false;
    std::vector<os::MountStep> mounts;
    os::CgroupMountPlan cgroup_mounts;
    bool dev_is_tmpfs = false;          // /dev is a fresh tmpfs from the config: populate it
    std::vector<os::DeviceNode> devices;
    std::vector<std::string> masked_paths;
    std::vector<std::string> readonly_paths;
    std::string cwd;

    // Process
    std::vector<std::string> args;
    std::vector<std::string> env;
    std::vector<char*> argv;            // pointers into args/env, NULL-terminated
    std::vector<char*> envp;
    std::string path_env;               // PATH from env, for the executable lookup
    os::Identity identity;
    os::CapabilitySets caps;
    std::vector<os::RlimitSetting> rlimits;
    std::optional<mode_t> umask;
    bool no_new_privileges = false;
    std::optional<int> oom_score_adj;
    int preserve_fds = 0;

    // Start handshake: `create` waits on the exec fifo, `run` on the sync socket.
    Fd exec_fifo;                       // opened O_RDWR by the parent; invalid for run

    void finalize_pointers();           // fills argv/envp from args/env
};

}  // namespace berth::runtime
