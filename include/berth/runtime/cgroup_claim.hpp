// A new container's claim on its cgroup. A cgroupsPath may name a cgroup that exists already:
// berth uses it only when it is empty and thawed. A frozen one would freeze the init in the
// middle of the handshake (create would hang), and one that holds processes belongs to
// someone else: `delete` and `kill --all` would kill them too.
#pragma once
#include <string>
#include <vector>

#include "berth/cgroups/manager.hpp"

namespace berth::spec {
struct Config;
}
namespace berth::state {
class ContainerDir;
}

namespace berth::runtime {

struct Context;
class Rollback;
class Trace;

// The container's cgroup, made before anything else of the container exists and owned by
// `rollback` from then on: the state dir names it first (state::cgroup_intent_file), then it
// is created and checked claimable (check_cgroup_claimable). Rootless, a cgroup berth may not
// create is skipped with a warning naming the limits not applied, as runc does; root never
// skips.
cgroups::Manager& set_up_cgroup(const Context& ctx, const std::string& id, const spec::Config& config,
                                state::ContainerDir& dir, Rollback& rollback, const Trace& trace);

// Host dirs of the container's cgroup that exist before create(), one per hierarchy.
std::vector<std::string> existing_cgroup_dirs(const cgroups::Manager& cg);

// After create(): throws when a hierarchy's cgroup is frozen (itself or through a frozen
// parent: "container's cgroup unexpectedly frozen", runc's words) or when a dir in `existing`
// holds a process. The message names the cgroup dir.
void check_cgroup_claimable(const cgroups::Manager& cg, const std::vector<std::string>& existing);

// The state dir's record of a cgroup about to be made (state::cgroup_intent_file), and its
// undoing for a container that never got a state.json: the dirs that did not exist before are
// removed once empty (the init of a half-made container exits on its own: PR_SET_PDEATHSIG,
// handshake EOF), the others are left alone, whoever uses them now. Never throws.
std::string cgroup_intent(const cgroups::Manager& cg, const std::vector<std::string>& existing);
void remove_intended_cgroup(std::string_view intent_json) noexcept;

// Undoes create() for a cgroup that partly existed: removes the dirs it made (waiting up to
// ~1 s for exiting processes), leaves `existing` as they were. Best effort, never throws.
void remove_created_cgroup_dirs(cgroups::Manager& cg, const std::vector<std::string>& existing) noexcept;

}  // namespace berth::runtime
