#include "berth/cgroups/v1.hpp"

#include <algorithm>

#include "berth/util/error.hpp"
#include "berth/util/file.hpp"
#include "berth/util/retry.hpp"

namespace berth::cgroups {

using namespace std::chrono_literals;

namespace {

// A new v1 cpuset cgroup starts with empty cpus/mems, and the kernel refuses to add processes
// to it until both are set; inherit the parent's values as runc does.
void seed_cpuset(const std::string& level)
{
    std::string parent = level.substr(0, level.rfind('/'));
    for (const char* file : {"/cpuset.cpus", "/cpuset.mems"}) {
        if (!fs::trimmed(read_small_file(level + file)).empty()) continue;
        std::string value = fs::trimmed(read_small_file(parent + file));
        if (!value.empty()) write_file(level + file, value);
    }
}

}  // namespace

bool V1Dir::has(std::string_view controller) const
{
    return std::find(controllers.begin(), controllers.end(), controller) != controllers.end();
}

void V1::create() const
{
    for (const auto& d : dirs_) fs::make_dirs(d.mount_point, d.dir, d.has("cpuset") ? seed_cpuset : nullptr);
}

void V1::add_process(pid_t pid) const
{
    for (const auto& d : dirs_) fs::add_pid(d.dir, pid);
}

void V1::destroy(fs::Clock::time_point deadline) const
{
    // Remove what can be removed even when one hierarchy fails; report the first failure.
    std::optional<Error> first;
    for (const auto& d : dirs_) {
        try {
            fs::remove_dirs(d.dir, deadline);
        } catch (Error& e) {
            if (!first) first = std::move(e);
        }
    }
    if (first) throw *first;
}

const V1Dir* V1::find(std::string_view controller) const
{
    for (const auto& d : dirs_)
        if (d.has(controller)) return &d;
    return nullptr;
}

const V1Dir* V1::process_source() const
{
    if (auto d = find("pids")) return d;
    return find("freezer");
}

bool V1::frozen() const
{
    const V1Dir* f = find("freezer");
    if (!f) return false;
    auto state = read_small_file_if_exists(f->dir + "/freezer.state");
    return state && fs::trimmed(*state) == "FROZEN";
}

void V1::set_frozen(bool frozen) const
{
    const V1Dir* f = find("freezer");
    if (!f) throw Error("no freezer hierarchy is mounted");
    std::string file = f->dir + "/freezer.state";
    std::string want = frozen ? "FROZEN" : "THAWED";
    std::string ctx = (frozen ? "freeze cgroup " : "thaw cgroup ") + f->dir;
    // Freezing can stall in FREEZING (a task in uninterruptible sleep); writing FROZEN again
    // makes the kernel retry, so the write sits inside the loop.
    bool done = with_context(ctx, [&] {
        return poll_until(fs::Clock::now() + 1s, [&] {
            write_file(file, want);
            return fs::trimmed(read_small_file(file)) == want;
        });
    });
    if (done) return;
    if (frozen) {
        try {
            write_file(file, "THAWED");  // don't leave it half frozen
        } catch (const Error&) {
        }
    }
    throw Error(ctx + ": timed out");
}

nlohmann::json V1::to_json() const
{
    auto out = nlohmann::json::array();
    for (const auto& d : dirs_)
        out.push_back({{"mount_point", d.mount_point}, {"controllers", d.controllers}, {"dir", d.dir}});
    return out;
}

V1 V1::from_json(const JsonNode& n)
{
    std::vector<V1Dir> dirs;
    n.each_element([&](const JsonNode& e) {
        V1Dir& d = dirs.emplace_back();
        d.mount_point = e.required("mount_point").as_string();
        e.required("controllers").each_element([&](const JsonNode& c) { d.controllers.push_back(c.as_string()); });
        const JsonNode dir_node = e.required("dir");
        d.dir = dir_node.as_string();
        if (!fs::is_below(d.mount_point, d.dir))
            dir_node.fail("\"" + d.dir + "\" is not below \"" + d.mount_point + "\"");
    });
    if (dirs.empty()) n.fail("expected at least one hierarchy");
    return V1(std::move(dirs));
}

}  // namespace berth::cgroups
