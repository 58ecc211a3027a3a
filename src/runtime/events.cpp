#include "berth/runtime/events.hpp"

#include <algorithm>
#include <thread>

#include "berth/cgroups/stats.hpp"
#include "berth/runtime/container.hpp"
#include "berth/state/proc_info.hpp"
#include "berth/state/status.hpp"
#include "berth/util/error.hpp"

namespace berth::runtime {

namespace {

using ojson = nlohmann::ordered_json;

std::string event(const char* type, const std::string& id, const ojson* data)
{
    ojson e = ojson::object();
    e["type"] = type;
    e["id"] = id;
    if (data) e["data"] = *data;
    return e.dump();
}

std::vector<cgroups::Hierarchy> running_hierarchies(Container& c)
{
    auto st = c.status();
    if (st != state::Status::running && st != state::Status::paused && st != state::Status::created)
        throw Error("container not running");
    auto* cg = c.cgroup();
    if (!cg) throw Error("the container has no cgroup (--cgroup-manager=disabled)");
    return cg->hierarchies();
}

}  // namespace

std::string container_stats_event(const Context& ctx, const std::string& id)
{
    return with_context("events " + id, [&] {
        auto c = Container::inspect(ctx, id);
        ojson data = cgroups::read_stats(running_hierarchies(c));
        return event("stats", id, &data);
    });
}

void stream_events(const Context& ctx, const std::string& id, std::chrono::milliseconds interval,
                   const std::function<void(std::string_view)>& emit)
{
    using clock = std::chrono::steady_clock;
    auto c = with_context("events " + id, [&] { return Container::inspect(ctx, id); });
    auto hierarchies = with_context("events " + id, [&] { return running_hierarchies(c); });
    const state::Record rec = c.record();
    auto ooms = cgroups::oom_kills(hierarchies).value_or(0);
    const auto tick = std::min(interval, std::chrono::milliseconds(200));
    auto next_stats = clock::now();
    for (;;) {
        if (!state::init_alive(rec, state::read_proc_info(rec.pid))) return;  // the stream ends with the container
        if (auto now = cgroups::oom_kills(hierarchies); now && *now > ooms) {
            ooms = *now;
            emit(event("oom", id, nullptr));
        }
        if (clock::now() >= next_stats) {
            ojson data = cgroups::read_stats(hierarchies);
            emit(event("stats", id, &data));
            next_stats += interval;
        }
        std::this_thread::sleep_for(tick);
    }
}

}  // namespace berth::runtime
