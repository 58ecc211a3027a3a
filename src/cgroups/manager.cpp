// make_manager / load_manager: from the host's mounts, or from state.json.
#include "berth/cgroups/manager.hpp"

#include "berth/cgroups/backends.hpp"
#include "berth/cgroups/mountinfo.hpp"
#include "berth/cgroups/path.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"
#include "berth/util/json_reader.hpp"

namespace berth::cgroups {

namespace {

// Errors read "invalid cgroup state: <path>: <problem>".
constexpr std::string_view invalid = "invalid cgroup state";

}  // namespace

void Manager::apply_devices(const std::vector<DeviceRule>&)
{
    throw Error("device rules cannot be applied by " + describe());
}

std::vector<std::string> Manager::apply_resources(const spec::Resources&)
{
    throw Error("resource limits cannot be applied by " + describe());
}

void Manager::create_with_init(pid_t pid)
{
    create();
    add_process(pid);
}

void Manager::set_frozen(bool) { throw Error("freezing is not supported by " + describe()); }

std::unique_ptr<Manager> make_manager(const Options& opts)
{
    if (opts.disabled) return make_disabled_manager(detect_mode());

    // Validate the path before looking at the host: a bad path is the user's error either way.
    std::optional<systemd::Unit> unit;
    CgroupPath path;
    if (opts.systemd) {
        unit = systemd::parse_unit(opts.cgroups_path, opts.id);
        path = CgroupPath{unit->cgroup(), false};
    } else {
        path = parse_cgroups_path(opts.cgroups_path, opts.id);
    }

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
    auto fs = make_fs_manager(layout.mode, std::move(v1), std::move(v2));
    if (!unit) return fs;

    SystemdUnitState s;
    s.unit = std::move(*unit);
    s.id = opts.id;
    // A hybrid host's systemd manages the v1 controllers; the unified tree only tracks.
    s.flavour = layout.mode == Mode::unified ? systemd::Flavour::v2 : systemd::Flavour::v1;
    s.helper = opts.systemd_helper;
    if (opts.resources) s.resource_properties = systemd::translate_resources(*opts.resources, s.flavour).properties;
    s.device_properties = systemd::device_properties(opts.devices);
    return make_systemd_manager(std::move(fs), std::move(s));
}

std::unique_ptr<Manager> load_manager(const nlohmann::json& j)
{
    const JsonNode root(j, "", invalid);
    root.require_object();
    const JsonNode mode_node = root.required("mode");
    auto mode = parse_mode(mode_node.as_string());
    if (!mode) mode_node.fail("unknown mode " + mode_node.json().dump());
    if (auto d = root.member("disabled"); d && d->as_bool()) return make_disabled_manager(*mode);

    std::optional<V1> v1;
    if (auto n = root.member("v1")) v1.emplace(V1::from_json(*n));
    std::optional<V2> v2;
    if (auto n = root.member("v2")) v2.emplace(V2::from_json(*n));
    auto fs = with_context(invalid, [&] { return make_fs_manager(*mode, std::move(v1), std::move(v2)); });
    auto sd = root.member("systemd");
    if (!sd) return fs;
    SystemdUnitState s;
    s.unit.name = sd->required("unit").as_string();
    s.unit.slice = sd->required("slice").as_string();
    s.id = sd->required("id").as_string();
    const JsonNode flavour = sd->required("flavour");
    if (flavour.as_string() != "v1" && flavour.as_string() != "v2") flavour.fail("unknown flavour " + flavour.json().dump());
    s.flavour = flavour.as_string() == "v1" ? systemd::Flavour::v1 : systemd::Flavour::v2;
    s.helper = sd->required("helper").as_string();
    s.owns_unit = true;
    return make_systemd_manager(std::move(fs), std::move(s));
}

}  // namespace berth::cgroups
