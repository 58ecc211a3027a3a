#include "berth/cgroups/systemd_units.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>

#include "berth/cgroups/resources.hpp"
#include "berth/util/error.hpp"

namespace berth::cgroups::systemd {

namespace {

constexpr std::string_view path_field = "config.json: .linux.cgroupsPath: ";
constexpr uint64_t infinity = std::numeric_limits<uint64_t>::max();
// systemd keeps CPUQuotaPerSecUSec in 10 ms steps (it prints the quota as a percentage).
constexpr uint64_t quota_step = 10000;
constexpr uint64_t default_period = 100000;
// A cpu or node number beyond this is a typo, not a machine: keeps the mask small.
constexpr unsigned long max_cpu = 8191;

std::string json_quoted(std::string_view s)
{
    return nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// systemd's unit name alphabet (unit_name_is_valid): ASCII letters, digits and ":-_.\@".
bool valid_unit_chars(std::string_view s)
{
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               std::string_view(":-_.\\@").find(c) != std::string_view::npos;
    });
}

std::string resource_field(std::string_view group, std::string_view key)
{
    return std::string(".linux.resources.").append(group).append(".").append(key);
}

Property t(std::string name, uint64_t v) { return {std::move(name), "t", v}; }

// -1 is "no limit" in the runtime-spec; systemd spells it UINT64_MAX ("infinity").
uint64_t limit_value(int64_t v, std::string_view group, std::string_view key)
{
    if (v == -1) return infinity;
    if (v < 0) throw Error("config.json: " + resource_field(group, key) + ": invalid value " + std::to_string(v));
    return static_cast<uint64_t>(v);
}

void add_memory(const spec::Memory& m, Flavour flavour, Translated& out)
{
    spec::Memory& rest = *out.rest.memory;
    const int64_t limit = m.limit.value_or(0);
    if (flavour == Flavour::v1) {
        // Swap (memsw) and the reservation have no v1 property: the cgroupfs manager writes them.
        if (limit == 0) return;
        out.properties.push_back(t("MemoryLimit", limit_value(limit, "memory", "limit")));
        // memsw must stay >= the limit at every write; keep the limit in `rest` when swap is
        // set so the cgroupfs manager orders both (it writes the same value systemd did).
        if (!m.swap) rest.limit.reset();
        return;
    }
    if (limit != 0) out.properties.push_back(t("MemoryMax", limit_value(limit, "memory", "limit")));
    if (m.reservation && *m.reservation != 0)
        out.properties.push_back(t("MemoryLow", limit_value(*m.reservation, "memory", "reservation")));
    if (m.swap && *m.swap != 0) {
        int64_t swap = memory_swap_to_v2(*m.swap, limit);
        out.properties.push_back(t("MemorySwapMax", swap < 0 ? infinity : static_cast<uint64_t>(swap)));
    } else if (limit == -1) {
        out.properties.push_back(t("MemorySwapMax", infinity));
    }
    rest.limit.reset();
    rest.reservation.reset();
    rest.swap.reset();
}

// runc's rule: a quota without a period means the kernel's default period (100 ms).
uint64_t quota_per_sec(int64_t quota, uint64_t period)
{
    if (quota <= 0) return infinity;
    if (period == 0) period = default_period;
    uint64_t q = static_cast<uint64_t>(quota);
    if (q > infinity / 1000000) return infinity;
    uint64_t per_sec = q * 1000000 / period;
    if (per_sec % quota_step != 0) per_sec = (per_sec / quota_step + 1) * quota_step;
    return per_sec;
}

void add_cpu(const spec::Cpu& c, Flavour flavour, Translated& out)
{
    spec::Cpu& rest = *out.rest.cpu;
    if (c.shares && *c.shares != 0) {
        if (flavour == Flavour::v1)
            out.properties.push_back(t("CPUShares", *c.shares));
        else
            out.properties.push_back(t("CPUWeight", cpu_shares_to_weight(*c.shares)));
        rest.shares.reset();
    }
    const int64_t quota = c.quota.value_or(0);
    const uint64_t period = c.period.value_or(0);
    if (quota < -1) throw Error("config.json: " + resource_field("cpu", "quota") + ": invalid value " + std::to_string(quota));
    if (period != 0) out.properties.push_back(t("CPUQuotaPeriodUSec", period));
    if (quota != 0 || period != 0) out.properties.push_back(t("CPUQuotaPerSecUSec", quota_per_sec(quota, period)));
    rest.quota.reset();
    rest.period.reset();
    // systemd manages cpuset only on cgroup v2.
    if (flavour == Flavour::v2) {
        if (!c.cpus.empty()) {
            out.properties.push_back({"AllowedCPUs", "ay", cpu_mask(c.cpus, resource_field("cpu", "cpus"))});
            rest.cpus.clear();
        }
        if (!c.mems.empty()) {
            out.properties.push_back({"AllowedMemoryNodes", "ay", cpu_mask(c.mems, resource_field("cpu", "mems"))});
            rest.mems.clear();
        }
    }
}

// "rwm" in systemd's order; only the letters it knows.
std::string access_of(const DeviceRule& r)
{
    std::string out;
    for (char c : std::string_view("rwm"))
        if (r.access.find(c) != std::string::npos) out += c;
    return out;
}

}  // namespace

std::string Unit::cgroup() const { return expand_slice(slice) + "/" + name; }

std::string expand_slice(std::string_view slice)
{
    auto bad = [&](std::string_view why) { return Error("slice " + json_quoted(slice) + " " + std::string(why)); };
    constexpr std::string_view suffix = ".slice";
    if (slice.size() <= suffix.size() || slice.substr(slice.size() - suffix.size()) != suffix)
        throw bad("is not a slice name (name.slice)");
    if (!valid_unit_chars(slice)) throw bad("has characters systemd does not allow in unit names");
    std::string_view base = slice.substr(0, slice.size() - suffix.size());
    if (base == "-") return "";
    std::string path, prefix;
    while (true) {
        auto dash = base.find('-');
        std::string_view part = base.substr(0, dash);
        if (part.empty()) throw bad("has an empty part between dashes");
        prefix += part;
        path += "/" + prefix + std::string(suffix);
        if (dash == std::string_view::npos) break;
        prefix += '-';
        base.remove_prefix(dash + 1);
    }
    return path;
}

Unit parse_unit(std::string_view cgroups_path, std::string_view id)
{
    auto bad = [&](std::string_view why) {
        return Error(std::string(path_field) + json_quoted(cgroups_path) + " " + std::string(why));
    };
    Unit u;
    std::string_view prefix = "berth", name = id;
    if (!cgroups_path.empty()) {
        auto c1 = cgroups_path.find(':');
        auto c2 = c1 == std::string_view::npos ? c1 : cgroups_path.find(':', c1 + 1);
        if (c2 == std::string_view::npos || cgroups_path.find(':', c2 + 1) != std::string_view::npos)
            throw bad("is not of the form slice:prefix:name (the systemd cgroup driver's)");
        u.slice = cgroups_path.substr(0, c1);
        prefix = cgroups_path.substr(c1 + 1, c2 - c1 - 1);
        name = cgroups_path.substr(c2 + 1);
    }
    if (u.slice.empty()) u.slice = "system.slice";
    try {
        expand_slice(u.slice);
    } catch (const Error& e) {
        throw bad(e.what());
    }
    if (name.empty()) throw bad("has no name");
    if (name.size() > 6 && name.substr(name.size() - 6) == ".slice")
        throw bad("names a slice; berth puts containers in scopes only");
    u.name = prefix.empty() ? std::string(name) + ".scope" : std::string(prefix) + "-" + std::string(name) + ".scope";
    if (!valid_unit_chars(u.name) || u.name.size() > 255)
        throw bad("gives the unit name " + json_quoted(u.name) + ", which systemd does not accept");
    return u;
}

std::vector<Property> base_properties(const Unit& unit, std::string_view id, pid_t pid, Flavour flavour)
{
    std::vector<Property> out{
        {"Slice", "s", unit.slice},
        {"Description", "s", "berth container " + std::string(id)},
        // The container's cgroup is berth's to write (limits systemd cannot express, devices).
        {"Delegate", "b", true},
        // No implicit ordering against shutdown.target and the like: it is not a service.
        {"DefaultDependencies", "b", false},
        {"MemoryAccounting", "b", true},
        {"CPUAccounting", "b", true},
        {flavour == Flavour::v1 ? "BlockIOAccounting" : "IOAccounting", "b", true},
        {"TasksAccounting", "b", true},
    };
    if (pid > 0) out.push_back({"PIDs", "au", nlohmann::json::array({static_cast<uint32_t>(pid)})});
    return out;
}

Translated translate_resources(const spec::Resources& r, Flavour flavour)
{
    Translated out;
    out.rest = r;
    if (r.memory) add_memory(*r.memory, flavour, out);
    if (r.cpu) add_cpu(*r.cpu, flavour, out);
    if (r.pids && r.pids->limit && *r.pids->limit != 0) {
        // runc: a positive limit or -1 (none); 0 and other negatives leave TasksMax alone.
        int64_t l = *r.pids->limit;
        if (l > 0 || l == -1) out.properties.push_back(t("TasksMax", l == -1 ? infinity : static_cast<uint64_t>(l)));
        out.rest.pids.reset();
    }
    return out;
}

std::vector<Property> device_properties(const std::vector<DeviceRule>& rules)
{
    bool default_allow = false;
    nlohmann::json allow = nlohmann::json::array();
    for (const auto& r : rules) {
        if (r.type == 'a' && r.major == -1 && r.minor == -1 && access_of(r) == "rwm") {
            // "a *:* rwm": everything from here on starts over from allow-all or deny-all.
            default_allow = r.allow;
            allow = nlohmann::json::array();
            continue;
        }
        // In allow-all mode a deny cannot be expressed and an allow changes nothing; a deny
        // in an allow list would need removing part of an entry: both stay wider than asked.
        if (default_allow || !r.allow) continue;
        std::string access = access_of(r);
        if (access.empty()) continue;
        for (char type : {'c', 'b'}) {
            if (r.type != 'a' && r.type != type) continue;
            std::string kind = type == 'c' ? "char" : "block";
            // "c 10:*" needs the major's name from /proc/devices; "char-*" is wider and pure.
            std::string path = r.major == -1 || r.minor == -1
                                   ? kind + "-*"
                                   : "/dev/" + kind + "/" + std::to_string(r.major) + ":" + std::to_string(r.minor);
            nlohmann::json entry = nlohmann::json::array({path, access});
            if (std::find(allow.begin(), allow.end(), entry) == allow.end()) allow.push_back(std::move(entry));
        }
    }
    if (default_allow) return {{"DevicePolicy", "s", "auto"}, {"DeviceAllow", "a(ss)", nlohmann::json::array()}};
    return {{"DevicePolicy", "s", "strict"}, {"DeviceAllow", "a(ss)", allow}};
}

std::vector<uint8_t> cpu_mask(std::string_view list, std::string_view field_path)
{
    auto bad = [&] { return Error("config.json: " + std::string(field_path) + ": invalid list " + json_quoted(list)); };
    auto number = [&](std::string_view s) {
        if (s.empty() || s.size() > 5 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
            throw bad();
        unsigned long v = std::stoul(std::string(s));
        if (v > max_cpu) throw bad();
        return v;
    };
    std::vector<uint8_t> mask;
    std::string_view rest = list;
    while (!rest.empty()) {
        auto comma = rest.find(',');
        std::string_view item = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        if (comma != std::string_view::npos && rest.empty()) throw bad();
        auto dash = item.find('-');
        unsigned long lo = number(item.substr(0, dash));
        unsigned long hi = dash == std::string_view::npos ? lo : number(item.substr(dash + 1));
        if (hi < lo) throw bad();
        if (mask.size() < hi / 8 + 1) mask.resize(hi / 8 + 1);
        for (unsigned long c = lo; c <= hi; ++c) mask[c / 8] = static_cast<uint8_t>(mask[c / 8] | (1u << (c % 8)));
    }
    if (mask.empty()) throw bad();
    return mask;
}

nlohmann::json properties_json(const std::vector<Property>& props)
{
    nlohmann::json out = nlohmann::json::array();
    for (const auto& p : props) out.push_back({p.name, p.signature, p.value});
    return out;
}

}  // namespace berth::cgroups::systemd
