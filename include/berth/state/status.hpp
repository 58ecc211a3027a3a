// Container status and how the live status is derived from the stored phase.
#pragma once
#include <optional>
#include <string_view>

namespace berth::state {

enum class Status { creating, created, running, stopped, paused };

// "creating", "created", "running", "stopped", "paused" (runtime-spec spelling).
std::string_view to_string(Status s);
// Inverse of to_string; nullopt for anything else.
std::optional<Status> parse_status(std::string_view s) noexcept;

struct Record;
struct ProcInfo;

// Status as seen now, from the stored phase and a fresh look at the init process.
// Pure, so the whole table is unit-tested.
//   pid <= 0, stored stopped                       -> stopped
//   init gone, zombie/dead, or start time differs  -> stopped (a reused pid is never the container)
//   stored creating                                -> creating
//   stored created / running / paused              -> paused when `frozen`, else created / running
//     (runc reports a frozen created container as paused too; otherwise resume would refuse it)
// Whether proc is still the container's init: alive (not a zombie) and the very process that was
// started (same start time), so a recycled pid is never taken for it.
bool init_alive(const Record& rec, const ProcInfo& proc);

Status derive_status(const Record& rec, const ProcInfo& proc, bool frozen = false);

}  // namespace berth::state
