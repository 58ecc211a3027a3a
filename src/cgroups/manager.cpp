// make_manager / load_manager: from the host's mounts, or from state.json.
#include "berth/cgroups/manager.hpp"

#include "berth/cgroups/backends.hpp"
#include "berth/cgroups/mountinfo.hpp"
#include "berth/cgroups/path.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"

namespace berth::cgroups {

namespace {

// A dir loaded from state.json must lie strictly below its hierarchy's mount point, so a
// damaged state file cannot make destroy() or kill_all() act on a hierarchy root.
void check_below(const std::string& mount_point, const std::string& dir)
{
    bool ok = !mount_point.empty() && mount_point.front() == '/' && dir.size() > mount_point.size() + 1 &&
              dir.compare(0, mount_point.size(), mount_point) == 0 && dir[mount_point.size()] == '/';
    if (!ok) throw Error("cgroup dir \"" + dir + "\" is not below \"" + mount_point + "\"");
}

}  // namespace

void Manager::set_frozen(bool) { throw Error("freezing is not supported by " + describe()); }

std::unique_ptr<Manager> make_manager(const Options& opts)
{
    if (opts.disabled) return make_disabled_manager(detect_mode());

    // Validate the path before looking at the host: a bad path is the user's error either way.
    CgroupPath path = parse_cgroups_path(opts.cgroups_path, opts.id);

    CgroupLayout layout = parse_cgroup_layout(read_file("/proc/self/mountinfo"));
    if (layout.empty()) throw Error("no cgroup hierarchy is mounted under " + std::string(cgroup_base));

    std::vector<ProcCgroup> own;
    if (path.relative) own = parse_proc_cgroup(read_file("/proc/self/cgroup"));
    auto dir_in = [&](const CgroupMount& m) {
        std::string own_path;
        if (path.relative) {
            auto o = find_own_cgroup(own, m);
            if (!o)
                throw Error("cgroupsPath \"" + path.path + "\" is relative, but berth's own cgroup in " +
                            m.mount_point + " is not listed in /proc/self/cgroup");
            own_path = std::move(*o);
        }
        return cgroup_dir(m.mount_point, m.root, path, own_path);
    };

    std::optional<V1> v1;
    if (!layout.v1.empty()) {
        std::vector<V1Dir> dirs;
        for (const auto& m : layout.v1) dirs.push_back({m.mount_point, m.controllers, dir_in(m)});
        v1.emplace(std::move(dirs));
    }
    std::optional<V2> v2;
    if (layout.v2) v2.emplace(layout.v2->mount_point, dir_in(*layout.v2));
    return make_fs_manager(layout.mode, std::move(v1), std::move(v2));
}

std::unique_ptr<Manager> load_manager(const nlohmann::json& j)
{
    return with_context("invalid cgroup state", [&]() -> std::unique_ptr<Manager> {
        try {
            if (!j.is_object()) throw Error("expected an object");
            auto mode = parse_mode(j.at("mode").get<std::string>());
            if (!mode) throw Error("unknown mode " + j.at("mode").dump());
            if (j.value("disabled", false)) return make_disabled_manager(*mode);

            std::optional<V1> v1;
            if (j.contains("v1")) {
                v1.emplace(V1::from_json(j.at("v1")));
                for (const auto& d : v1->dirs()) check_below(d.mount_point, d.dir);
            }
            std::optional<V2> v2;
            if (j.contains("v2")) {
                v2.emplace(V2::from_json(j.at("v2")));
                check_below(v2->mount_point(), v2->dir());
            }
            return make_fs_manager(*mode, std::move(v1), std::move(v2));
        } catch (const nlohmann::json::exception& e) {
            throw Error(e.what());
        }
    });
}

}  // namespace berth::cgroups
