#include "berth/cgroups/oom_watch.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <charconv>
#include <string>

#include "berth/cgroups/stats.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"

namespace berth::cgroups {

namespace {

// memory.events from offset 0: a kernfs file re-arms its POLLPRI notification on each read
// from the start (and until the first read it reports a change at once).
std::optional<uint64_t> read_oom_kill(int fd)
{
    char buf[4096];
    ssize_t n = ::pread(fd, buf, sizeof buf, 0);
    if (n < 0) return std::nullopt;
    return keyed_value(std::string_view(buf, static_cast<size_t>(n)), "oom_kill");
}

}  // namespace

std::optional<uint64_t> keyed_value(std::string_view text, std::string_view key)
{
    while (!text.empty()) {
        size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        if (line.size() <= key.size() || !line.starts_with(key) || line[key.size()] != ' ') continue;
        std::string_view num = line.substr(key.size() + 1);
        uint64_t v = 0;
        auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), v);
        if (ec == std::errc() && p == num.data() + num.size()) return v;
    }
    return std::nullopt;
}

OomWatch OomWatch::open(const std::vector<Hierarchy>& hierarchies)
{
    OomWatch w;
    const Hierarchy* h = controller_hierarchy(hierarchies, "memory");
    if (!h) return w;
    w.dir_ = h->host_path;
    w.v2_ = h->is_v2;
    if (w.v2_) {
        Fd events(::open((w.dir_ + "/memory.events").c_str(), O_RDONLY | O_CLOEXEC));
        if (!events) return w;
        w.kills_ = read_oom_kill(events.get()).value_or(0);
        w.fd_ = std::move(events);
        return w;
    }
    // "<eventfd> <memory.oom_control fd>" into cgroup.event_control. The kernel keeps its own
    // reference to the cgroup, so the oom_control fd is not needed afterwards.
    Fd efd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    Fd control(::open((w.dir_ + "/memory.oom_control").c_str(), O_RDONLY | O_CLOEXEC));
    if (!efd || !control) return w;
    try {
        write_file(w.dir_ + "/cgroup.event_control",
                   std::to_string(efd.get()) + " " + std::to_string(control.get()));
    } catch (const Error&) {
        return w;  // e.g. a kernel built without v1 memory events: sampled instead
    }
    w.fd_ = std::move(efd);
    return w;
}

short OomWatch::events() const noexcept { return v2_ ? POLLPRI : POLLIN; }

bool OomWatch::consume()
{
    if (!fd_) return false;
    if (v2_) {
        auto now = read_oom_kill(fd_.get());
        if (!now) {
            // A removed cgroup's file stays "changed" for poll: drop it rather than spin.
            fd_.reset();
            return false;
        }
        if (*now <= kills_) return false;
        kills_ = *now;
        return true;
    }
    uint64_t count = 0;
    if (::read(fd_.get(), &count, sizeof count) != static_cast<ssize_t>(sizeof count)) return false;
    // The kernel also signals the eventfd when the cgroup is removed; then it never fires
    // again, so the fd is dropped and the caller falls back to sampling (which finds nothing).
    if (!path_exists(dir_ + "/memory.oom_control")) {
        fd_.reset();
        return false;
    }
    return true;
}

}  // namespace berth::cgroups
