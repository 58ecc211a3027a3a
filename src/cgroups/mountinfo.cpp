#include "berth/cgroups/mountinfo.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace berth::cgroups {

namespace {

std::vector<std::string_view> split(std::string_view s, char sep)
{
    std::vector<std::string_view> out;
    for (;;) {
        auto pos = s.find(sep);
        out.push_back(s.substr(0, pos));
        if (pos == std::string_view::npos) return out;
        s.remove_prefix(pos + 1);
    }
}

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    auto octal = [](char c) { return c >= '0' && c <= '7'; };
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size() && octal(s[i + 1]) && octal(s[i + 2]) && octal(s[i + 3])) {
            out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
            i += 3;
            continue;
        }
        out += s[i];
    }
    return out;
}

// Super options of a v1 cgroup mount that are not controllers.
bool is_controller_option(std::string_view o)
{
    static constexpr std::array<std::string_view, 9> flags{
        "rw", "ro", "xattr", "noprefix", "clone_children", "cpuset_v2_mode", "favordynmods", "none", "all"};
    if (o.empty() || std::find(flags.begin(), flags.end(), o) != flags.end()) return false;
    if (o.find('=') != std::string_view::npos) return o.substr(0, 5) == "name=";  // release_agent=... is not
    return true;
}

struct MountLine {
    std::string_view dev;  // major:minor, one per hierarchy
    std::string root;
    std::string mount_point;
    std::string_view fstype;
    std::string_view super_options;
};

std::optional<MountLine> parse_line(std::string_view line)
{
    auto f = split(line, ' ');
    // id parent dev root mount_point options [optional...] - fstype source super_options
    if (f.size() < 10) return std::nullopt;
    auto dash = std::find(f.begin() + 6, f.end(), "-");
    if (f.end() - dash < 4) return std::nullopt;
    return MountLine{f[2], unescape(f[3]), unescape(f[4]), dash[1], dash[3]};
}

// p equals dir or lies below it.
bool at_or_below(std::string_view p, std::string_view dir)
{
    if (dir == "/") return true;
    return p.substr(0, dir.size()) == dir && (p.size() == dir.size() || p[dir.size()] == '/');
}

}  // namespace

bool CgroupMount::has(std::string_view controller) const
{
    return std::find(controllers.begin(), controllers.end(), controller) != controllers.end();
}

CgroupLayout parse_cgroup_layout(std::string_view mountinfo, std::string_view base)
{
    struct Seen {
        CgroupMount mount;
        std::string dev;
    };
    std::vector<Seen> seen;  // visible so far, in mount order
    for (auto line : split(mountinfo, '\n')) {
        auto m = parse_line(line);
        if (!m) continue;
        // A later mount on the same path or an ancestor hides what was mounted there before.
        std::erase_if(seen, [&](const Seen& s) { return at_or_below(s.mount.mount_point, m->mount_point); });

        bool v2 = m->fstype == "cgroup2";
        if (!v2 && m->fstype != "cgroup") continue;
        std::string_view mp = m->mount_point;
        bool child = mp.size() > base.size() + 1 && at_or_below(mp, base) &&
                     mp.find('/', base.size() + 1) == std::string_view::npos;
        if (!child && !(v2 && mp == base)) continue;

        CgroupMount cm{std::string(mp), m->root, {}, v2};
        if (!v2)
            for (auto o : split(m->super_options, ','))
                if (is_controller_option(o)) cm.controllers.emplace_back(o);
        seen.push_back({std::move(cm), std::string(m->dev)});
    }

    CgroupLayout out;
    for (size_t i = 0; i < seen.size(); ++i) {
        auto& s = seen[i];
        if (s.mount.is_v2) {
            if (s.mount.mount_point == base) {
                out.v2 = std::move(s.mount);  // pure v2: anything else below base is hidden anyway
                out.v1.clear();
                out.mode = Mode::unified;
                return out;
            }
            if (!out.v2) out.v2 = std::move(s.mount);
            continue;
        }
        // The same hierarchy mounted twice is one hierarchy.
        bool dup = std::any_of(seen.begin(), seen.begin() + static_cast<std::ptrdiff_t>(i),
                               [&](const Seen& o) { return !o.mount.is_v2 && o.dev == s.dev; });
        if (!dup) out.v1.push_back(std::move(s.mount));
    }
    out.mode = out.v2 ? Mode::hybrid : Mode::v1;
    return out;
}

std::vector<ProcCgroup> parse_proc_cgroup(std::string_view text)
{
    std::vector<ProcCgroup> out;
    for (auto line : split(text, '\n')) {
        auto c1 = line.find(':');
        if (c1 == std::string_view::npos) continue;
        auto c2 = line.find(':', c1 + 1);
        if (c2 == std::string_view::npos) continue;
        ProcCgroup e;
        auto id = line.substr(0, c1);
        auto [p, ec] = std::from_chars(id.data(), id.data() + id.size(), e.hierarchy_id);
        if (ec != std::errc() || p != id.data() + id.size()) continue;
        auto ctrls = line.substr(c1 + 1, c2 - c1 - 1);
        if (!ctrls.empty())
            for (auto c : split(ctrls, ',')) e.controllers.emplace_back(c);
        e.path = std::string(line.substr(c2 + 1));  // the path itself may contain ':'
        out.push_back(std::move(e));
    }
    return out;
}

std::optional<std::string> find_own_cgroup(const std::vector<ProcCgroup>& entries, const CgroupMount& mount)
{
    auto sorted = [](std::vector<std::string> v) {
        std::sort(v.begin(), v.end());
        return v;
    };
    auto want = sorted(mount.controllers);
    for (const auto& e : entries) {
        if (mount.is_v2 ? (e.hierarchy_id == 0 && e.controllers.empty()) : (sorted(e.controllers) == want))
            return e.path;
    }
    return std::nullopt;
}

}  // namespace berth::cgroups
