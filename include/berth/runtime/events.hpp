// `events`: a running container's cgroup statistics and OOM kills, as runc prints them:
// one JSON object a line, {"type":"stats","id":...,"data":{...}} and {"type":"oom","id":...}.
#pragma once
#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "berth/runtime/launch.hpp"

namespace berth::runtime {

// One stats object, for `events --stats`. Throws "container not running" for a stopped one.
std::string container_stats_event(const Context& ctx, const std::string& id);

// Streams stats every `interval` and an oom event as soon as the kernel reports one (waiting in
// poll(2) on cgroups::OomWatch; where that cannot be had, the OOM kill counter is sampled every
// 200 ms), until the container's init exits (its pidfd). `emit` gets each line.
void stream_events(const Context& ctx, const std::string& id, std::chrono::milliseconds interval,
                   const std::function<void(std::string_view)>& emit);

}  // namespace berth::runtime
