#include "berth/unpack/user_lookup.hpp"

#include <charconv>

#include "berth/util/error.hpp"

namespace berth::unpack {

namespace {

std::vector<std::string_view> split(std::string_view s, char sep)
{
    std::vector<std::string_view> out;
    size_t i = 0;
    for (;;) {
        size_t j = s.find(sep, i);
        if (j == std::string_view::npos) {
            out.push_back(s.substr(i));
            return out;
        }
        out.push_back(s.substr(i, j - i));
        i = j + 1;
    }
}

std::optional<uint32_t> number(std::string_view s)
{
    uint32_t v = 0;
    if (s.empty()) return std::nullopt;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
}

// passwd: name:pw:uid:gid:gecos:home:shell; group: name:pw:gid:member,member
struct Record {
    std::string_view name;
    uint32_t id = 0;
    uint32_t gid = 0;                      // passwd only
    std::vector<std::string_view> members;  // group only
};

std::vector<Record> records(const std::optional<std::string>& text, bool is_group)
{
    std::vector<Record> out;
    if (!text) return out;
    for (auto line : split(*text, '\n')) {
        if (line.empty() || line.front() == '#') continue;
        auto f = split(line, ':');
        if (f.size() < (is_group ? 3u : 4u)) continue;  // malformed lines are skipped, as libc does
        auto id = number(f[2]);
        if (!id) continue;
        Record r{f[0], *id, 0, {}};
        if (is_group) {
            if (f.size() > 3 && !f[3].empty()) r.members = split(f[3], ',');
        } else {
            auto gid = number(f[3]);
            if (!gid) continue;
            r.gid = *gid;
        }
        out.push_back(std::move(r));
    }
    return out;
}

template <class Pred>
const Record* find_record(const std::vector<Record>& records, Pred pred)
{
    for (const auto& rec : records)
        if (pred(rec)) return &rec;
    return nullptr;
}

}  // namespace

ResolvedUser resolve_user(std::string_view user, const std::optional<std::string>& passwd,
                          const std::optional<std::string>& group)
{
    std::string_view u = user, g;
    bool has_group = false;
    if (auto colon = user.find(':'); colon != std::string_view::npos) {
        u = user.substr(0, colon);
        g = user.substr(colon + 1);
        has_group = true;
    }
    if (u.empty()) u = "0";  // "" and ":gid" mean root
    ResolvedUser r;
    auto users = records(passwd, false);
    const Record* entry = nullptr;
    if (auto n = number(u)) {
        r.uid = *n;
        entry = find_record(users, [&](const Record& rec) { return rec.id == *n; });
    } else {
        entry = find_record(users, [&](const Record& rec) { return rec.name == u; });
        if (!entry)
            throw Error("user " + std::string(u) + ": " + (passwd ? "no such user in the image's /etc/passwd"
                                                                   : "the image has no /etc/passwd"));
        r.uid = entry->id;
    }
    if (entry) r.gid = entry->gid;
    auto groups = records(group, true);
    if (has_group) {
        if (g.empty()) throw Error("user " + std::string(user) + ": empty group");
        if (auto n = number(g)) {
            r.gid = *n;
        } else {
            const Record* ge = find_record(groups, [&](const Record& rec) { return rec.name == g; });
            if (!ge)
                throw Error("group " + std::string(g) + ": " + (group ? "no such group in the image's /etc/group"
                                                                     : "the image has no /etc/group"));
            r.gid = ge->id;
        }
        return r;
    }
    // conversion.md: supplementary groups only for a user given by name.
    if (!entry || number(u)) return r;
    for (auto& rec : groups) {
        if (rec.id == r.gid) continue;
        for (auto m : rec.members)
            if (m == entry->name) {
                bool seen = false;
                for (auto x : r.additional_gids) seen = seen || x == rec.id;
                if (!seen) r.additional_gids.push_back(rec.id);
                break;
            }
    }
    return r;
}

}  // namespace berth::unpack
