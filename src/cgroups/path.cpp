#include "berth/cgroups/path.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "berth/util/error.hpp"

namespace berth::cgroups {

namespace {

// The value as a JSON string: quoted, with NUL and control bytes escaped.
std::string quoted(std::string_view s)
{
    return nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

size_t count(std::string_view s, char c) { return static_cast<size_t>(std::count(s.begin(), s.end(), c)); }

}  // namespace

CgroupPath parse_cgroups_path(std::string_view cgroups_path, std::string_view id)
{
    auto bad = [&](std::string_view why) { return Error("cgroupsPath " + quoted(cgroups_path) + " " + std::string(why)); };

    if (cgroups_path.empty()) {
        if (id.empty() || id == "." || id == ".." || id.find('/') != std::string_view::npos ||
            id.find('\0') != std::string_view::npos)
            throw Error("container id " + quoted(id) + " cannot be used as a cgroup name");
        return {"/berth/" + std::string(id), false};
    }
    if (cgroups_path.find('\0') != std::string_view::npos) throw bad("contains a NUL byte");
    if (cgroups_path.front() != '/' && count(cgroups_path, ':') == 2)
        throw bad("is in systemd form (slice:prefix:name): use the systemd cgroup driver (--systemd-cgroup), "
                  "or a path with cgroupfs");

    CgroupPath out;
    out.relative = cgroups_path.front() != '/';
    std::string_view rest = cgroups_path;
    while (!rest.empty()) {
        auto slash = rest.find('/');
        auto comp = rest.substr(0, slash);
        rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
        if (comp.empty() || comp == ".") continue;
        if (comp == "..") throw bad("must not contain \"..\"");
        if (!out.path.empty() || !out.relative) out.path += '/';
        out.path += comp;
    }
    if (out.path.empty()) throw bad(out.relative ? "names berth's own cgroup" : "names the root cgroup");
    return out;
}

std::string cgroup_dir(std::string_view mount_point, std::string_view mount_root, const CgroupPath& p,
                       std::string_view own)
{
    std::string dir(mount_point);
    if (p.relative) {
        // /proc/self/cgroup and the mountinfo root are both relative to the cgroup namespace
        // root, so the part of `own` below the mount's root is where it sits under mount_point.
        if (mount_root != "/" && own.substr(0, mount_root.size()) == mount_root &&
            (own.size() == mount_root.size() || own[mount_root.size()] == '/'))
            own.remove_prefix(mount_root.size());
        while (!own.empty() && own.back() == '/') own.remove_suffix(1);
        if (!own.empty() && own.front() != '/') dir += '/';
        dir += own;
        dir += '/';
    }
    dir += p.path;
    return dir;
}

}  // namespace berth::cgroups
