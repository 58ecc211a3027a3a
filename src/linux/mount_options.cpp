#include "berth/linux/mount_options.hpp"

#include <sys/mount.h>

#include <algorithm>
#include <string_view>

namespace berth::os {

namespace {

struct AttrOption {
    std::string_view name;
    uint64_t set;
    uint64_t clr;
};

// Mount-level attributes; the atime ones replace the whole atime field, hence the mask.
constexpr AttrOption attr_options[] = {
    {"ro", MOUNT_ATTR_RDONLY, 0},
    {"rw", 0, MOUNT_ATTR_RDONLY},
    {"nosuid", MOUNT_ATTR_NOSUID, 0},
    {"suid", 0, MOUNT_ATTR_NOSUID},
    {"nodev", MOUNT_ATTR_NODEV, 0},
    {"dev", 0, MOUNT_ATTR_NODEV},
    {"noexec", MOUNT_ATTR_NOEXEC, 0},
    {"exec", 0, MOUNT_ATTR_NOEXEC},
    {"nodiratime", MOUNT_ATTR_NODIRATIME, 0},
    {"diratime", 0, MOUNT_ATTR_NODIRATIME},
    {"nosymfollow", MOUNT_ATTR_NOSYMFOLLOW, 0},
    {"symfollow", 0, MOUNT_ATTR_NOSYMFOLLOW},
    {"relatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME},
    {"norelatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME},
    {"noatime", MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME},
    {"atime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME},
    {"strictatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME},
    {"nostrictatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME},
};

struct PropOption {
    std::string_view name;
    uint64_t flag;
    bool recursive;
};

constexpr PropOption prop_options[] = {
    {"private", MS_PRIVATE, false}, {"rprivate", MS_PRIVATE, true},       {"shared", MS_SHARED, false},
    {"rshared", MS_SHARED, true},   {"slave", MS_SLAVE, false},           {"rslave", MS_SLAVE, true},
    {"unbindable", MS_UNBINDABLE, false}, {"runbindable", MS_UNBINDABLE, true},
};

constexpr std::string_view bind_option = "bind";
constexpr std::string_view rbind_option = "rbind";

// Superblock flags the VFS accepts as fsconfig flags.
constexpr std::string_view sb_flags[] = {"sync", "dirsync", "mand", "lazytime"};
// Defaults, or negations of sb flags: nothing to do.
constexpr std::string_view no_ops[] = {"defaults", "async", "nomand", "nolazytime", "loud"};
constexpr std::string_view copy_up_option = "tmpcopyup";
// Known to runc/crun; berth refuses them with a clear error rather than ignore them.
constexpr std::string_view unsupported_options[] = {"copy-symlink", "remount"};
constexpr std::string_view idmap_option = "idmap";
constexpr std::string_view ridmap_option = "ridmap";

bool apply_attr(std::string_view opt, MountOptions& m, bool recursive)
{
    for (const auto& a : attr_options) {
        if (a.name != opt) continue;
        if (recursive) {
            m.rattr_set = (m.rattr_set & ~a.clr) | a.set;
            m.rattr_clr = (m.rattr_clr & ~a.set) | a.clr;
        } else {
            m.attr_set = (m.attr_set & ~a.clr) | a.set;
            m.attr_clr = (m.attr_clr & ~a.set) | a.clr;
        }
        return true;
    }
    return false;
}

}  // namespace

MountOptions parse_mount_options(const std::vector<std::string>& options)
{
    MountOptions m;
    for (const auto& o : options) {
        std::string_view opt(o);
        if (opt == bind_option) {
            m.bind = true;
            continue;
        }
        if (opt == rbind_option) {
            m.bind = m.recursive = true;
            continue;
        }
        if (opt == idmap_option || opt == ridmap_option) {
            // Not a mount(2) option: it only says the mount is id-mapped (runtime-spec).
            m.idmap = opt == idmap_option ? MountOptions::Idmap::top : MountOptions::Idmap::recursive;
            continue;
        }
        if (opt == copy_up_option) {
            m.copy_up = true;
            continue;
        }
        if (apply_attr(opt, m, false)) continue;
        // Recursive variants: "rro", "rnosuid", ... (but not "rw"/"relatime"/"rbind" handled above).
        if (opt.size() > 1 && opt[0] == 'r' && apply_attr(opt.substr(1), m, true)) continue;
        bool matched = false;
        for (const auto& p : prop_options) {
            if (p.name == opt) {
                m.propagation = p.flag;
                m.propagation_recursive = p.recursive;
                matched = true;
            }
        }
        for (auto s : sb_flags)
            if (s == opt) {
                m.fs_params.emplace_back(o, "");
                matched = true;
            }
        for (auto s : no_ops)
            if (s == opt) matched = true;
        for (auto s : unsupported_options)
            if (s == opt) {
                m.unsupported.push_back(o);
                matched = true;
            }
        if (matched) continue;
        auto eq = opt.find('=');
        if (eq == std::string_view::npos)
            m.fs_params.emplace_back(o, "");
        else
            m.fs_params.emplace_back(std::string(opt.substr(0, eq)), std::string(opt.substr(eq + 1)));
    }
    return m;
}

std::vector<std::string> known_mount_options()
{
    std::vector<std::string> out{std::string(bind_option), std::string(rbind_option), std::string(idmap_option),
                                 std::string(ridmap_option), std::string(copy_up_option)};
    for (const auto& a : attr_options) {
        out.emplace_back(a.name);
        std::string& recursive = out.emplace_back("r");
        recursive += a.name;
    }
    for (const auto& p : prop_options) out.emplace_back(p.name);
    for (auto s : sb_flags) out.emplace_back(s);
    for (auto s : no_ops) out.emplace_back(s);
    std::sort(out.begin(), out.end());
    return out;
}

bool parse_propagation(const std::string& value, uint64_t& flags)
{
    if (value.empty()) {
        flags = MS_SLAVE | MS_REC;  // runc's default: host mount events reach the container, not back
        return true;
    }
    for (const auto& p : prop_options) {
        if (p.name == value) {
            flags = p.flag | (p.recursive ? MS_REC : 0);
            return true;
        }
    }
    return false;
}

}  // namespace berth::os
