#include "berth/state/status.hpp"

#include <array>
#include <utility>

#include "berth/state/proc_info.hpp"
#include "berth/state/record.hpp"

namespace berth::state {

namespace {
constexpr std::array<std::pair<Status, std::string_view>, 5> names{{
    {Status::creating, "creating"},
    {Status::created, "created"},
    {Status::running, "running"},
    {Status::stopped, "stopped"},
    {Status::paused, "paused"},
}};

}  // namespace

// The init process is the container's only if it still runs and is the very process we started.
// A zombie or dead ('X') init has exited: the container is stopped even before it is reaped.
bool init_alive(const Record& rec, const ProcInfo& proc)
{
    if (!proc.exists || proc.state == 'Z' || proc.state == 'X' || proc.state == 'x') return false;
    // Strict: a record without a start time cannot prove the pid is still ours, and treating a
    // recycled pid as the container would let kill/delete signal an unrelated process.
    return proc.start_time == rec.init_start_time;
}

std::string_view to_string(Status s)
{
    for (const auto& [st, name] : names)
        if (st == s) return name;
    return "unknown";
}

std::optional<Status> parse_status(std::string_view s) noexcept
{
    for (const auto& [st, name] : names)
        if (name == s) return st;
    return std::nullopt;
}

Status derive_status(const Record& rec, const ProcInfo& proc, bool frozen)
{
    if (rec.pid <= 0 || rec.status == Status::stopped) return Status::stopped;
    if (!init_alive(rec, proc)) return Status::stopped;
    switch (rec.status) {
    case Status::creating: return Status::creating;
    case Status::created: return frozen ? Status::paused : Status::created;
    case Status::running:
    case Status::paused: return frozen ? Status::paused : Status::running;
    case Status::stopped: break;
    }
    return Status::stopped;
}

}  // namespace berth::state
