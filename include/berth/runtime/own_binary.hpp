// SECURITY.md #1: while a process berth made is still berth's image, whatever can see it in a
// pid namespace may hold /proc/<pid>/exe and write berth's binary through it later. Commands
// that leave such a process reachable run from a read-only mount of berth's own binary: one
// execveat, after which the command starts over there.
#pragma once
#include "berth/runtime/launch.hpp"
#include "berth/spec/config.hpp"

namespace berth::runtime {

// Whether a create/run of `config` leaves berth's image where another process can reach it.
// After `create` the init waits for `start` indefinitely, and other containers may join its pid
// namespace meanwhile (pods do); a `run` without a new pid namespace shares one with others. A
// `run` with a new pid namespace does not: nothing else is in that namespace before the init's
// execve, which follows its setup at once. `exec` always does (the container is running).
bool own_binary_reachable(const spec::Config& config, bool for_run);

// Re-executes berth from the read-only mount when `needed` (and it is not there yet).
void protect_own_binary(const Context& ctx, bool needed);

}  // namespace berth::runtime
