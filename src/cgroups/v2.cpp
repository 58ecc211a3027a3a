#include "berth/cgroups/v2.hpp"

#include <algorithm>
#include <cerrno>

#include "berth/util/error.hpp"
#include "berth/util/file.hpp"
#include "berth/util/retry.hpp"

namespace berth::cgroups {

using namespace std::chrono_literals;

namespace {

// The "frozen" key of cgroup.events: what the kernel has achieved, not what was asked for.
bool events_frozen(const std::string& events)
{
    std::string_view s = events;
    auto pos = s.find("frozen ");
    return pos != std::string_view::npos && (pos == 0 || s[pos - 1] == '\n') && pos + 7 < s.size() &&
           s[pos + 7] == '1';
}

}  // namespace

void V2::create() const { fs::make_dirs(mount_point_, dir_); }

void V2::add_process(pid_t pid) const { fs::add_pid(dir_, pid); }

void V2::destroy(fs::Clock::time_point deadline) const { fs::remove_dirs(dir_, deadline); }

std::vector<pid_t> V2::pids() const
{
    std::vector<pid_t> out;
    fs::collect_pids(dir_, out);
    return out;
}

bool V2::frozen() const
{
    auto v = read_small_file_if_exists(dir_ + "/cgroup.freeze");
    return v && fs::trimmed(*v) == "1";
}

void V2::set_frozen(bool frozen) const
{
    std::string ctx = (frozen ? "freeze cgroup " : "thaw cgroup ") + dir_;
    bool done = with_context(ctx, [&] {
        write_file(dir_ + "/cgroup.freeze", frozen ? "1" : "0");
        return poll_until(fs::Clock::now() + 1s,
                              [&] { return events_frozen(read_small_file(dir_ + "/cgroup.events")) == frozen; });
    });
    if (done) return;
    if (frozen) {
        try {
            write_file(dir_ + "/cgroup.freeze", "0");  // don't leave it half frozen
        } catch (const Error&) {
        }
    }
    throw Error(ctx + ": timed out");
}

bool V2::kill() const
{
    try {
        write_file(dir_ + "/cgroup.kill", "1");
        return true;
    } catch (const Error& e) {
        // ENODEV: the cgroup is being removed (systemd stops a scope once its processes are
        // gone), and a cgroup can be removed only when nothing is left in it.
        if (e.code() == ENODEV) return true;
        if (e.code() != ENOENT) throw;
    }
    // No cgroup.kill: either the cgroup is gone (nothing left to kill) or the kernel predates it.
    return !path_exists(dir_);
}

nlohmann::json V2::to_json() const { return {{"mount_point", mount_point_}, {"dir", dir_}}; }

V2 V2::from_json(const JsonNode& n)
{
    std::string mount_point = n.required("mount_point").as_string();
    const JsonNode dir_node = n.required("dir");
    std::string d = dir_node.as_string();
    if (!fs::is_below(mount_point, d)) dir_node.fail("\"" + d + "\" is not below \"" + mount_point + "\"");
    return V2(std::move(mount_point), std::move(d));
}

}  // namespace berth::cgroups
