// Everything a half-made container owns, undone unless commit() is called: the create path
// (launch.cpp) registers each thing as it makes it, and any error on the way unwinds them.
#pragma once
#include <sys/types.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "berth/cgroups/manager.hpp"
#include "berth/linux/private_rootfs.hpp"
#include "berth/state/container_dir.hpp"

namespace berth::runtime {

// Undoes a start that did not finish: SIGKILL to the process that was to run (a container's
// init, an exec'd process) and to the intermediate child that made it, the child reaped, and
// the process too when it is berth's own child (without waiting for it otherwise).
void kill_unfinished(pid_t child, pid_t process) noexcept;

class Rollback {
public:
    explicit Rollback(state::ContainerDir& dir) : dir_(dir) {}
    Rollback(const Rollback&) = delete;
    Rollback& operator=(const Rollback&) = delete;
    // Kills the init and the intermediate child, detaches the rootfs copy, removes the cgroup
    // (only the dirs it made when some were there before) and the state dir, then runs then()'s
    // function. Never throws: the error that led here is what the user needs to see.
    ~Rollback();

    // Owns the manager so it outlives whatever failed. `existing`: its dirs that were there
    // before create(), which the rollback leaves alone.
    cgroups::Manager& own_cgroup(std::unique_ptr<cgroups::Manager> m, std::vector<std::string> existing)
    {
        cgroup_ = std::move(m);
        existing_cgroup_dirs_ = std::move(existing);
        return *cgroup_;
    }
    // The private copy of the rootfs in berth's mount namespace, detached with all beneath it.
    void own_rootfs_mount(os::RootfsMount m) { rootfs_mount_ = std::move(m); }
    void set_child(pid_t p) { child_ = p; }
    void set_init(pid_t p) { init_ = p; }
    void child_reaped() { child_ = 0; }
    void commit() { committed_ = true; }
    // Runs once everything is undone (it must not throw).
    void then(std::function<void()> f) { then_ = std::move(f); }

private:
    state::ContainerDir& dir_;
    std::unique_ptr<cgroups::Manager> cgroup_;
    std::vector<std::string> existing_cgroup_dirs_;
    std::optional<os::RootfsMount> rootfs_mount_;
    pid_t child_ = 0;
    pid_t init_ = 0;
    bool committed_ = false;
    std::function<void()> then_;
};

}  // namespace berth::runtime
