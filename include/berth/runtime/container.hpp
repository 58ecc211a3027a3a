// A handle on one existing container: its state dir, its record and its status, read once.
// Every lifecycle command starts from one of these instead of repeating open -> read -> status.
#pragma once
#include <memory>
#include <optional>
#include <string_view>

#include "berth/cgroups/manager.hpp"
#include "berth/runtime/launch.hpp"
#include "berth/spec/config.hpp"
#include "berth/state/container_dir.hpp"
#include "berth/state/record.hpp"
#include "berth/state/status.hpp"
#include "berth/util/fd.hpp"

namespace berth::runtime {

class Container {
public:
    // Locked: for commands that change the container (start, kill, pause, resume, delete).
    // Throws "container \"<id>\" does not exist"; a dir without a record (a create in progress
    // or one that died) opens with status creating and an empty record.
    static Container open(const Context& ctx, std::string_view id);
    // Not locked, read-only: for state, list and ps, which answer while another command holds
    // the lock. Throws "does not exist" also for a container still being created.
    static Container inspect(const Context& ctx, std::string_view id);
    // The status of the container with this record now (its init's /proc entry and start
    // time, its freezer), without opening its directory: for list, which reads the records
    // through Store::list_records.
    static state::Status live_status(const state::Record& rec);

    const std::string& id() const { return dir_.id(); }
    state::ContainerDir& dir() { return dir_; }
    const state::Record& record() const { return rec_; }
    bool has_record() const { return has_record_; }
    // The status when the handle was opened (init's /proc entry, start time, freezer).
    state::Status status() const { return status_; }
    // nullptr when the container has no cgroup (--cgroup-manager=disabled, or a broken create).
    cgroups::Manager* cgroup();
    // The config.json the container was created from, parsed (exec, update, events).
    spec::Config config() const;
    // Only its hooks (spec::parse_config_hooks: start and delete need no more), or none with
    // a warning "<what>: <why>" when they cannot be read.
    std::optional<spec::Hooks> hooks_or_warn(const Logger& log, std::string_view what) const;

    // A pidfd of the init, taken while its start time still matches; empty when it is gone.
    Fd init_pidfd() const;
    // Signals the init through a pidfd taken while its start time still matches, so a pid the
    // kernel has handed to another process is never signalled. False when the init is gone.
    bool signal_init(int sig) const;
    // Stores a new status in the record.
    void save_status(state::Status s);
    // Removes what the container owns on the host: processes (SIGKILL), cgroup, the mounts of a
    // container in berth's own mount namespace, state dir;
    // then runs the poststop hooks of the stored config (failures are warnings). A caller that
    // wrote that config itself and still holds it (run) passes its hooks: nothing to re-read.
    void destroy(const Logger& log, const std::optional<spec::Hooks>* stored_hooks = nullptr);

private:
    Container(state::ContainerDir dir, bool has_record);
    void detach_private_rootfs(const Logger& log);
    state::ContainerDir dir_;
    state::Record rec_;
    bool has_record_ = false;
    state::Status status_ = state::Status::creating;
    std::unique_ptr<cgroups::Manager> cgroup_;
    bool cgroup_loaded_ = false;
};

}  // namespace berth::runtime
