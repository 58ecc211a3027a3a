// Waiting for OOM events of a container's memory cgroup in poll(2) instead of sampling a
// counter: v1 an eventfd registered through cgroup.event_control for memory.oom_control (the
// kernel signals it when the cgroup goes under OOM, and when the cgroup is removed); v2
// memory.events, whose modifications kernfs reports to poll as POLLPRI.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "berth/cgroups/manager.hpp"
#include "berth/util/fd.hpp"

namespace berth::cgroups {

class OomWatch {
public:
    // Watches the hierarchy holding the memory controller. inactive() when there is none or
    // the kernel refuses the registration (the caller then samples oom_kills()).
    static OomWatch open(const std::vector<Hierarchy>& hierarchies);

    bool active() const noexcept { return static_cast<bool>(fd_); }
    // For a struct pollfd: the fd and the events to wait for.
    int fd() const noexcept { return fd_.get(); }
    short events() const noexcept;

    // After poll(2) reported fd(): takes the notification and says whether it was an OOM
    // event. v1: the cgroup went under OOM (as runc: every notification while the cgroup
    // exists, so an OOM with the killer disabled counts too); v2: oom_kill grew.
    bool consume();

private:
    OomWatch() = default;

    Fd fd_;  // v1: the eventfd; v2: memory.events
    bool v2_ = false;
    std::string dir_;
    uint64_t kills_ = 0;  // v2: oom_kill when last read
};

// The value of `key` in "key value" lines (memory.events, memory.oom_control).
std::optional<uint64_t> keyed_value(std::string_view text, std::string_view key);

}  // namespace berth::cgroups
