#include "berth/cgroups/stats.hpp"

#include <fcntl.h>

#include <charconv>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "berth/util/file.hpp"

namespace berth::cgroups {

namespace {

using ojson = nlohmann::ordered_json;

// The dir of the hierarchy holding `controller`: a v1 one named after it (alone or with
// others, "cpu,cpuacct"), else the v2 one when it lists the controller.
const Hierarchy* holder(const std::vector<Hierarchy>& hs, std::string_view controller)
{
    for (const auto& h : hs) {
        if (h.is_v2) continue;
        std::string_view names = h.mount_name;
        while (!names.empty()) {
            size_t comma = names.find(',');
            if (names.substr(0, comma) == controller) return &h;
            names = comma == std::string_view::npos ? std::string_view{} : names.substr(comma + 1);
        }
    }
    for (const auto& h : hs)
        if (h.is_v2 && path_exists(h.host_path + "/" + std::string(controller) + ".stat"))
            return &h;
    for (const auto& h : hs)  // pids and hugetlb have no .stat file
        if (h.is_v2 && path_exists(h.host_path + "/" + std::string(controller) + ".max")) return &h;
    for (const auto& h : hs)
        if (h.is_v2 && controller == "hugetlb") return &h;
    return nullptr;
}

std::optional<std::string> read(const std::string& dir, std::string_view file)
{
    try {
        return read_file_if_exists(dir + "/" + std::string(file));
    } catch (const std::exception&) {
        return std::nullopt;  // a file the kernel refuses to read (EOPNOTSUPP): no figure
    }
}

// A single number; "max" (v2's no limit) is 0 as runc reports it... except where said.
std::optional<uint64_t> number(const std::string& dir, std::string_view file)
{
    auto text = read(dir, file);
    if (!text) return std::nullopt;
    std::string_view s = *text;
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.remove_suffix(1);
    if (s == "max") return UINT64_MAX;
    uint64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc()) {
        int64_t sv = 0;  // v1 writes -1 in a few places
        if (std::from_chars(s.data(), s.data() + s.size(), sv).ec == std::errc() && sv < 0) return UINT64_MAX;
        return std::nullopt;
    }
    return v;
}

// The non-empty lines of a cgroup file; none when it is missing or unreadable.
std::vector<std::string> lines_of(const std::string& dir, std::string_view file)
{
    std::vector<std::string> out;
    auto text = read(dir, file);
    std::string_view s = text ? std::string_view(*text) : std::string_view{};
    while (!s.empty()) {
        size_t nl = s.find('\n');
        if (nl != 0) out.emplace_back(s.substr(0, nl));
        s = nl == std::string_view::npos ? std::string_view{} : s.substr(nl + 1);
    }
    return out;
}

// "key value" lines (memory.stat, cpu.stat, cpuacct.stat, memory.events).
std::map<std::string, uint64_t> keyed(const std::string& dir, std::string_view file)
{
    std::map<std::string, uint64_t> out;
    for (const std::string& l : lines_of(dir, file)) {
        std::string_view line = l;
        size_t sp = line.find(' ');
        if (sp == std::string_view::npos) continue;
        uint64_t v = 0;
        std::string_view num = line.substr(sp + 1);
        if (std::from_chars(num.data(), num.data() + num.size(), v).ec == std::errc()) out[std::string(line.substr(0, sp))] = v;
    }
    return out;
}

std::vector<uint64_t> numbers(const std::string& dir, std::string_view file)
{
    std::vector<uint64_t> out;
    auto text = read(dir, file);
    if (!text) return out;
    std::string_view s = *text;
    while (!s.empty()) {
        while (!s.empty() && (s.front() == ' ' || s.front() == '\n')) s.remove_prefix(1);
        uint64_t v = 0;
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (ec != std::errc()) break;
        out.push_back(v);
        s.remove_prefix(static_cast<size_t>(p - s.data()));
    }
    return out;
}

uint64_t get(const std::map<std::string, uint64_t>& m, const char* key)
{
    auto it = m.find(key);
    return it == m.end() ? 0 : it->second;
}

ojson raw(const std::map<std::string, uint64_t>& m)
{
    ojson o = ojson::object();
    for (const auto& [k, v] : m) o[k] = v;
    return o;
}

// v1 "memory", "memory.memsw", "memory.kmem", "memory.kmem.tcp" families.
ojson entry_v1(const std::string& dir, const std::string& prefix)
{
    ojson e = ojson::object();
    e["limit"] = number(dir, prefix + ".limit_in_bytes").value_or(0);
    e["usage"] = number(dir, prefix + ".usage_in_bytes").value_or(0);
    e["max"] = number(dir, prefix + ".max_usage_in_bytes").value_or(0);
    e["failcnt"] = number(dir, prefix + ".failcnt").value_or(0);
    return e;
}

ojson cpu_stats(const Hierarchy& h)
{
    ojson usage = ojson::object(), throttling = ojson::object();
    const std::string& d = h.host_path;
    if (h.is_v2) {
        auto s = keyed(d, "cpu.stat");
        usage["kernel"] = get(s, "system_usec") * 1000;
        usage["user"] = get(s, "user_usec") * 1000;
        usage["total"] = get(s, "usage_usec") * 1000;
        throttling["periods"] = get(s, "nr_periods");
        throttling["throttledPeriods"] = get(s, "nr_throttled");
        throttling["throttledTime"] = get(s, "throttled_usec") * 1000;
    } else {
        if (auto per = numbers(d, "cpuacct.usage_percpu"); !per.empty()) usage["percpu"] = per;
        if (auto per = numbers(d, "cpuacct.usage_percpu_sys"); !per.empty()) usage["percpu_kernel"] = per;
        if (auto per = numbers(d, "cpuacct.usage_percpu_user"); !per.empty()) usage["percpu_user"] = per;
        // cpuacct.stat counts USER_HZ ticks (100 a second on Linux): nanoseconds as runc gives them.
        auto s = keyed(d, "cpuacct.stat");
        usage["kernel"] = get(s, "system") * 10000000;
        usage["user"] = get(s, "user") * 10000000;
        usage["total"] = number(d, "cpuacct.usage").value_or(0);
    }
    ojson cpu = ojson::object();
    cpu["usage"] = std::move(usage);
    cpu["throttling"] = std::move(throttling);
    return cpu;
}

void cpu_throttling_v1(const Hierarchy& h, ojson& cpu)
{
    auto s = keyed(h.host_path, "cpu.stat");
    cpu["throttling"]["periods"] = get(s, "nr_periods");
    cpu["throttling"]["throttledPeriods"] = get(s, "nr_throttled");
    cpu["throttling"]["throttledTime"] = get(s, "throttled_time");
}

ojson memory_stats(const Hierarchy& h)
{
    const std::string& d = h.host_path;
    ojson m = ojson::object();
    if (h.is_v2) {
        auto s = keyed(d, "memory.stat");
        m["cache"] = get(s, "file");
        ojson usage = ojson::object();
        uint64_t limit = number(d, "memory.max").value_or(0);
        usage["limit"] = limit;
        usage["usage"] = number(d, "memory.current").value_or(0);
        usage["max"] = number(d, "memory.peak").value_or(0);
        usage["failcnt"] = get(keyed(d, "memory.events"), "max");
        m["usage"] = std::move(usage);
        ojson swap = ojson::object();
        swap["limit"] = number(d, "memory.swap.max").value_or(0);
        swap["usage"] = number(d, "memory.swap.current").value_or(0);
        swap["failcnt"] = get(keyed(d, "memory.swap.events"), "max");
        m["swap"] = std::move(swap);
        m["raw"] = raw(s);
    } else {
        auto s = keyed(d, "memory.stat");
        m["cache"] = get(s, "cache");
        m["usage"] = entry_v1(d, "memory");
        m["swap"] = entry_v1(d, "memory.memsw");
        m["kernel"] = entry_v1(d, "memory.kmem");
        m["kernelTCP"] = entry_v1(d, "memory.kmem.tcp");
        m["raw"] = raw(s);
    }
    return m;
}

ojson pids_stats(const Hierarchy& h)
{
    ojson p = ojson::object();
    p["current"] = number(h.host_path, "pids.current").value_or(0);
    uint64_t limit = number(h.host_path, "pids.max").value_or(0);
    p["limit"] = limit == UINT64_MAX ? 0 : limit;  // runc: 0 for "max"
    return p;
}

ojson blkio_entry(uint64_t major, uint64_t minor, const std::string& op, uint64_t value)
{
    ojson e = ojson::object();
    e["major"] = major;
    e["minor"] = minor;
    e["op"] = op;
    e["value"] = value;
    return e;
}

// v1 "8:0 Read 4096" lines.
ojson blkio_v1_list(const std::string& dir, const char* file)
{
    ojson list = ojson::array();
    for (const std::string& l : lines_of(dir, file)) {
        unsigned long long maj = 0, min = 0, v = 0;
        char op[16];
        if (std::sscanf(l.c_str(), "%llu:%llu %15s %llu", &maj, &min, op, &v) == 4) list.push_back(blkio_entry(maj, min, op, v));
    }
    return list;
}

ojson blkio_stats(const Hierarchy& h)
{
    ojson b = ojson::object();
    if (!h.is_v2) {
        b["ioServiceBytesRecursive"] = blkio_v1_list(h.host_path, "blkio.throttle.io_service_bytes_recursive");
        b["ioServicedRecursive"] = blkio_v1_list(h.host_path, "blkio.throttle.io_serviced_recursive");
        return b;
    }
    // io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0"
    ojson bytes = ojson::array(), ios = ojson::array();
    for (const std::string& l : lines_of(h.host_path, "io.stat")) {
        unsigned long long maj = 0, min = 0, rb = 0, wb = 0, ri = 0, wi = 0;
        if (std::sscanf(l.c_str(), "%llu:%llu rbytes=%llu wbytes=%llu rios=%llu wios=%llu", &maj, &min, &rb, &wb, &ri,
                        &wi) != 6)
            continue;
        bytes.push_back(blkio_entry(maj, min, "Read", rb));
        bytes.push_back(blkio_entry(maj, min, "Write", wb));
        ios.push_back(blkio_entry(maj, min, "Read", ri));
        ios.push_back(blkio_entry(maj, min, "Write", wi));
    }
    b["ioServiceBytesRecursive"] = std::move(bytes);
    b["ioServicedRecursive"] = std::move(ios);
    return b;
}

ojson hugetlb_stats(const Hierarchy& h)
{
    ojson out = ojson::object();
    auto files = read_dir(AT_FDCWD, h.host_path);
    if (!files) return out;
    for (const auto& f : *files) {
        // hugetlb.2MB.limit_in_bytes (v1) or hugetlb.2MB.max (v2) names each page size once.
        const std::string suffix = h.is_v2 ? ".max" : ".limit_in_bytes";
        if (!f.name.starts_with("hugetlb.") || !f.name.ends_with(suffix) || f.name.find(".rsvd.") != std::string::npos)
            continue;
        std::string size = f.name.substr(8, f.name.size() - 8 - suffix.size());
        std::string p = "hugetlb." + size;
        ojson e = ojson::object();
        if (h.is_v2) {
            e["usage"] = number(h.host_path, p + ".current").value_or(0);
            e["failcnt"] = get(keyed(h.host_path, p + ".events"), "max");
        } else {
            e["usage"] = number(h.host_path, p + ".usage_in_bytes").value_or(0);
            e["max"] = number(h.host_path, p + ".max_usage_in_bytes").value_or(0);
            e["failcnt"] = number(h.host_path, p + ".failcnt").value_or(0);
        }
        out[size] = std::move(e);
    }
    return out;
}

}  // namespace

nlohmann::ordered_json read_stats(const std::vector<Hierarchy>& hs)
{
    ojson data = ojson::object();
    if (auto h = holder(hs, "cpuacct")) data["cpu"] = cpu_stats(*h);
    else if (auto v2 = holder(hs, "cpu"); v2 && v2->is_v2) data["cpu"] = cpu_stats(*v2);
    if (auto h = holder(hs, "cpu"); h && !h->is_v2 && data.contains("cpu")) cpu_throttling_v1(*h, data["cpu"]);
    if (auto h = holder(hs, "memory")) data["memory"] = memory_stats(*h);
    if (auto h = holder(hs, "pids")) data["pids"] = pids_stats(*h);
    if (auto h = holder(hs, "blkio")) data["blkio"] = blkio_stats(*h);
    else if (auto io = holder(hs, "io"); io && io->is_v2) data["blkio"] = blkio_stats(*io);
    if (auto h = holder(hs, "hugetlb")) data["hugetlb"] = hugetlb_stats(*h);
    return data;
}

const Hierarchy* controller_hierarchy(const std::vector<Hierarchy>& hs, std::string_view controller)
{
    return holder(hs, controller);
}

std::optional<uint64_t> oom_kills(const std::vector<Hierarchy>& hs)
{
    auto h = holder(hs, "memory");
    if (!h) return std::nullopt;
    auto m = keyed(h->host_path, h->is_v2 ? "memory.events" : "memory.oom_control");
    auto it = m.find("oom_kill");
    if (it == m.end()) return std::nullopt;
    return it->second;
}

}  // namespace berth::cgroups
