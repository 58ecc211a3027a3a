// Where a new process runs while berth works beside it (issue 13).
// Right after the clone berth and the init both have work: berth makes the network namespace
// and writes the state, the init mounts. A kernel that balances new tasks puts the init on an
// idle CPU; one that does not (no scheduling domains, as on the VMs berth is benchmarked on)
// leaves it queued on berth's CPU and the two take turns, however many CPUs are idle. So berth
// keeps the init off its own CPU while that work lasts, and the init takes back the mask it
// was born with before anything of the container's can see it: hooks and the process get the
// affinity they would have had.
#pragma once
#include <sched.h>
#include <sys/types.h>

#include <optional>

namespace berth::os {

// `mask` without `cpu`, when that leaves at least one CPU and `cpu` was in it.
std::optional<cpu_set_t> mask_without(const cpu_set_t& mask, int cpu) noexcept;

class CpuPlacement {
public:
    // Before the clone: berth's mask and the CPU berth is on. Inactive when there is no other
    // CPU to go to (or either is unknown).
    static CpuPlacement away_from_caller() noexcept;

    bool active() const noexcept { return active_; }

    // Berth, right after the clone, before the child may go on: keep it off berth's CPU. A
    // task that has not run yet is moved, not stopped. Best effort: a cpuset that forbids it
    // (EINVAL) leaves the child where it is.
    void apply(pid_t child) const noexcept;

    // The child: whether it runs under the mask berth set (placed, and nothing changed the
    // mask since), that is on a CPU berth is not on. Async-signal-safe.
    bool in_effect() const noexcept;

    // The child, once it no longer overlaps berth's work: back to the mask it was born with.
    // Not when its mask changed meanwhile (joining a cpuset sets it to the cpuset's CPUs):
    // then it keeps that one, as it would have without this. Async-signal-safe.
    void restore() const noexcept;

private:
    cpu_set_t born_{};
    cpu_set_t away_{};
    bool active_ = false;
};

}  // namespace berth::os
