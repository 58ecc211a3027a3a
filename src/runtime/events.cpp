#include "berth/runtime/events.hpp"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <climits>

#include "berth/cgroups/oom_watch.hpp"
#include "berth/cgroups/stats.hpp"
#include "berth/linux/net_stats.hpp"
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

// runc's network_interfaces. Its types.NetworkInterface has no JSON tags, so Go names the keys
// after the fields ("Name", "RxBytes"). runc lists only interfaces it set up itself, never lo,
// and null for a container in the host's network namespace; berth reads the counters of every
// interface but lo in the container's own namespace (/proc/<init>/net/dev).
ojson network_interfaces(pid_t init)
{
    if (os::shares_net_namespace(init).value_or(true)) return nullptr;
    ojson list = ojson::array();
    for (const auto& i : os::read_net_dev(init).value_or(std::vector<os::NetInterfaceStats>{})) {
        if (i.name == "lo") continue;
        ojson o = ojson::object();
        o["Name"] = i.name;
        o["RxBytes"] = i.rx_bytes;
        o["RxPackets"] = i.rx_packets;
        o["RxErrors"] = i.rx_errors;
        o["RxDropped"] = i.rx_dropped;
        o["TxBytes"] = i.tx_bytes;
        o["TxPackets"] = i.tx_packets;
        o["TxErrors"] = i.tx_errors;
        o["TxDropped"] = i.tx_dropped;
        list.push_back(std::move(o));
    }
    if (list.empty()) return nullptr;  // as runc's empty Go slice encodes
    return list;
}

ojson stats_data(const std::vector<cgroups::Hierarchy>& hierarchies, pid_t init)
{
    ojson data = cgroups::read_stats(hierarchies);
    data["network_interfaces"] = network_interfaces(init);
    return data;
}

}  // namespace

std::string container_stats_event(const Context& ctx, const std::string& id)
{
    return with_context("events " + id, [&] {
        auto c = Container::inspect(ctx, id);
        ojson data = stats_data(running_hierarchies(c), c.record().pid);
        return event("stats", id, &data);
    });
}

void stream_events(const Context& ctx, const std::string& id, std::chrono::milliseconds interval,
                   const std::function<void(std::string_view)>& emit)
{
    using clock = std::chrono::steady_clock;
    using std::chrono::milliseconds;
    auto c = with_context("events " + id, [&] { return Container::inspect(ctx, id); });
    auto hierarchies = with_context("events " + id, [&] { return running_hierarchies(c); });
    const state::Record rec = c.record();
    auto watch = cgroups::OomWatch::open(hierarchies);
    auto ooms = cgroups::oom_kills(hierarchies).value_or(0);
    // The init's exit wakes poll through its pidfd; without one (pidfd_open refused) it is
    // looked for, like OOM kills without a watch, every 200 ms.
    Fd init = c.init_pidfd();
    if (!init && !state::init_alive(rec, state::read_proc_info(rec.pid))) return;
    auto next_stats = clock::now();
    for (;;) {
        auto now = clock::now();
        if (now >= next_stats) {
            ojson data = stats_data(hierarchies, rec.pid);
            emit(event("stats", id, &data));
            next_stats += interval;
            if (next_stats <= now) next_stats = now + interval;  // a slow reader: no burst to catch up
        }
        auto wait = std::chrono::duration_cast<milliseconds>(next_stats - clock::now()) + milliseconds(1);
        if (!init || !watch.active()) wait = std::min(wait, milliseconds(200));
        wait = std::clamp(wait, milliseconds(0), milliseconds(INT_MAX));  // poll takes an int: a longer wait wakes early, harmlessly
        struct pollfd fds[2] = {{init.get(), POLLIN, 0}, {watch.fd(), watch.events(), 0}};
        int n = ::poll(fds, 2, static_cast<int>(wait.count()));
        if (n < 0 && errno != EINTR) throw_errno("events " + id + ": poll");
        bool oom = n > 0 && fds[1].revents && watch.consume();
        // Sampled when the kernel cannot notify (no memory cgroup events, or the cgroup is
        // gone); the count is kept current either way so a switch to sampling reports nothing twice.
        if (oom || !watch.active()) {
            if (auto k = cgroups::oom_kills(hierarchies); k && *k > ooms) {
                ooms = *k;
                oom = true;
            }
        }
        if (oom) emit(event("oom", id, nullptr));
        bool exited = init ? (n > 0 && fds[0].revents) : !state::init_alive(rec, state::read_proc_info(rec.pid));
        if (exited) return;  // the stream ends with the container
    }
}

}  // namespace berth::runtime
