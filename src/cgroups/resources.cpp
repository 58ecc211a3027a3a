#include "berth/cgroups/resources.hpp"

#include <array>
#include <cerrno>
#include <cmath>

#include "berth/cgroups/fs.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"

namespace berth::cgroups {

namespace {

constexpr std::string_view mem_path = ".linux.resources.memory.";
constexpr std::string_view cpu_path = ".linux.resources.cpu.";

std::string field(std::string_view parent, std::string_view key) { return std::string(parent).append(key); }

// v2 spells "no limit" as max; v1 takes -1.
std::string v2_value(int64_t v) { return v < 0 ? "max" : std::to_string(v); }

void ignored(std::vector<std::string>& warnings, std::string_view key, const std::string& why)
{
    warnings.push_back("config.json: " + field(mem_path, key) + ": " + why);
}

void kernel_memory_warnings(const spec::Memory& m, std::vector<std::string>& warnings)
{
    // Deprecated by the kernel (kmem accounting cannot be limited since 5.16); runc ignores them too.
    if (m.kernel) ignored(warnings, "kernel", "kernel memory limits are deprecated; ignored");
    if (m.kernel_tcp) ignored(warnings, "kernelTCP", "kernel TCP memory limits are deprecated; ignored");
}

}  // namespace

uint64_t cpu_shares_to_weight(uint64_t shares)
{
    if (shares == 0) return 0;
    if (shares <= 2) return 1;
    if (shares >= 262144) return 10000;
    // Current runc and crun (runc PR 4785): a quadratic in log2(shares) through the minimum,
    // the maximum and the defaults (1024 -> 100). The older linear map sent 1024 to 39,
    // below every v2 cgroup left at the default weight.
    double l = std::log2(static_cast<double>(shares));
    double exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
    return static_cast<uint64_t>(std::ceil(std::pow(10.0, exponent)));
}

int64_t memory_swap_to_v2(int64_t swap, int64_t limit)
{
    const std::string where = "config.json: " + field(mem_path, "swap") + ": ";
    if (swap == -1 || swap == 0) return swap;
    if (swap < -1) throw Error(where + "invalid value " + std::to_string(swap));
    if (limit == 0 || limit == -1) throw Error(where + "a swap limit needs a memory limit (.linux.resources.memory.limit)");
    if (limit < 0) throw Error(where + "invalid memory limit " + std::to_string(limit));
    if (swap < limit)
        throw Error(where + "memory+swap (" + std::to_string(swap) + ") must not be below the memory limit (" +
                    std::to_string(limit) + ")");
    return swap - limit;
}

std::vector<Write> memory_v1(const spec::Memory& m, std::optional<uint64_t> current_limit,
                             std::vector<std::string>& warnings)
{
    kernel_memory_warnings(m, warnings);
    std::vector<Write> out;
    std::optional<Write> limit, swap;
    if (m.limit && *m.limit != 0) limit = Write{field(mem_path, "limit"), "memory.limit_in_bytes", std::to_string(*m.limit)};
    if (m.swap && *m.swap != 0)
        swap = Write{field(mem_path, "swap"), "memory.memsw.limit_in_bytes", std::to_string(*m.swap)};
    else if (m.limit && *m.limit == -1)
        // Unlimited memory with swap unsaid means unlimited memory+swap (runc), where swap
        // accounting exists.
        swap = Write{field(mem_path, "limit"), "memory.memsw.limit_in_bytes", "-1", true};
    // memsw must stay >= limit after each write: raising writes memsw first, lowering the limit first.
    bool swap_first = limit && swap && m.swap &&
                      (*m.swap == -1 || (current_limit && *current_limit < static_cast<uint64_t>(*m.swap)));
    if (swap_first) out.push_back(*swap);
    if (limit) out.push_back(*limit);
    if (swap && !swap_first) out.push_back(*swap);
    if (m.reservation && *m.reservation != 0)
        out.push_back({field(mem_path, "reservation"), "memory.soft_limit_in_bytes", std::to_string(*m.reservation)});
    if (m.swappiness) {
        if (*m.swappiness > 100)
            throw Error("config.json: " + field(mem_path, "swappiness") + ": " + std::to_string(*m.swappiness) +
                        " is out of range (0-100)");
        out.push_back({field(mem_path, "swappiness"), "memory.swappiness", std::to_string(*m.swappiness)});
    }
    if (m.disable_oom_killer && *m.disable_oom_killer)
        out.push_back({field(mem_path, "disableOOMKiller"), "memory.oom_control", "1"});
    if (m.use_hierarchy)
        out.push_back({field(mem_path, "useHierarchy"), "memory.use_hierarchy", *m.use_hierarchy ? "1" : "0"});
    return out;
}

std::vector<Write> memory_v2(const spec::Memory& m, std::vector<std::string>& warnings)
{
    kernel_memory_warnings(m, warnings);
    if (m.swappiness) ignored(warnings, "swappiness", "cgroup v2 has no per-cgroup swappiness; ignored");
    if (m.disable_oom_killer && *m.disable_oom_killer)
        ignored(warnings, "disableOOMKiller", "cgroup v2 cannot disable the OOM killer; ignored");
    // v2 accounts hierarchically, always: true is what it does (nothing to write or say).
    if (m.use_hierarchy && !*m.use_hierarchy)
        ignored(warnings, "useHierarchy", "cgroup v2 memory accounting is always hierarchical; ignored");
    std::vector<Write> out;
    int64_t limit = m.limit.value_or(0);
    // Swap first: memory.swap.max does not depend on memory.max.
    if (m.swap) {
        int64_t swap = memory_swap_to_v2(*m.swap, limit);
        // swap == limit converts to 0, which is a limit here (no swap), not "unset".
        if (swap != 0 || *m.swap > 0) out.push_back({field(mem_path, "swap"), "memory.swap.max", v2_value(swap)});
    } else if (limit == -1) {
        out.push_back({field(mem_path, "limit"), "memory.swap.max", "max", true});
    }
    if (limit != 0) out.push_back({field(mem_path, "limit"), "memory.max", v2_value(limit)});
    if (m.reservation && *m.reservation != 0)
        out.push_back({field(mem_path, "reservation"), "memory.low", v2_value(*m.reservation)});
    return out;
}

std::vector<Write> cpu_v1(const spec::Cpu& c)
{
    std::vector<Write> out;
    if (c.shares && *c.shares != 0) out.push_back({field(cpu_path, "shares"), "cpu.shares", std::to_string(*c.shares)});
    // Period before quota: a new cgroup's quota is -1, so any period is accepted first.
    if (c.period && *c.period != 0) out.push_back({field(cpu_path, "period"), "cpu.cfs_period_us", std::to_string(*c.period)});
    if (c.quota && *c.quota != 0) out.push_back({field(cpu_path, "quota"), "cpu.cfs_quota_us", std::to_string(*c.quota)});
    if (c.burst) out.push_back({field(cpu_path, "burst"), "cpu.cfs_burst_us", std::to_string(*c.burst)});
    if (c.realtime_period && *c.realtime_period != 0)
        out.push_back({field(cpu_path, "realtimePeriod"), "cpu.rt_period_us", std::to_string(*c.realtime_period)});
    if (c.realtime_runtime && *c.realtime_runtime != 0)
        out.push_back({field(cpu_path, "realtimeRuntime"), "cpu.rt_runtime_us", std::to_string(*c.realtime_runtime)});
    if (c.idle) out.push_back({field(cpu_path, "idle"), "cpu.idle", std::to_string(*c.idle)});
    return out;
}

std::vector<Write> cpu_v2(const spec::Cpu& c)
{
    std::vector<Write> out;
    if ((c.realtime_period && *c.realtime_period != 0) || (c.realtime_runtime && *c.realtime_runtime != 0))
        throw Error("config.json: " + field(cpu_path, c.realtime_runtime ? "realtimeRuntime" : "realtimePeriod") +
                    ": cgroup v2 has no realtime scheduling limits");
    if (uint64_t w = cpu_shares_to_weight(c.shares.value_or(0)))
        out.push_back({field(cpu_path, "shares"), "cpu.weight", std::to_string(w)});
    int64_t quota = c.quota.value_or(0);
    uint64_t period = c.period.value_or(0);
    if (quota != 0 || period != 0) {
        // "$QUOTA $PERIOD"; without a period the kernel keeps the current one.
        std::string v = quota > 0 ? std::to_string(quota) : "max";
        if (period != 0) v.append(" ").append(std::to_string(period));
        out.push_back({field(cpu_path, quota != 0 ? "quota" : "period"), "cpu.max", v});
    }
    if (c.burst) out.push_back({field(cpu_path, "burst"), "cpu.max.burst", std::to_string(*c.burst)});
    if (c.idle) out.push_back({field(cpu_path, "idle"), "cpu.idle", std::to_string(*c.idle)});
    return out;
}

std::vector<Write> cpuset_writes(const spec::Cpu& c)
{
    std::vector<Write> out;
    if (!c.cpus.empty()) out.push_back({field(cpu_path, "cpus"), "cpuset.cpus", c.cpus});
    if (!c.mems.empty()) out.push_back({field(cpu_path, "mems"), "cpuset.mems", c.mems});
    return out;
}

std::vector<Write> pids_writes(const spec::Pids& p)
{
    if (!p.limit) return {};
    // The runtime-spec: 0 or below means no limit.
    return {{".linux.resources.pids.limit", "pids.max", *p.limit > 0 ? std::to_string(*p.limit) : "max"}};
}

void check_memory_usage(const spec::Memory& m, uint64_t usage)
{
    if (!m.check_before_update || !*m.check_before_update) return;
    // memory+swap too, as runc: memory.current (what is charged now) has to fit under it.
    for (auto [key, value] : {std::pair{"swap", m.swap.value_or(0)}, std::pair{"limit", m.limit.value_or(0)}}) {
        if (value <= 0 || static_cast<uint64_t>(value) > usage) continue;
        throw Error("config.json: " + field(mem_path, key) + ": " + std::to_string(value) +
                    " is not above the cgroup's current memory usage (" + std::to_string(usage) +
                    " bytes); refused as .linux.resources.memory.checkBeforeUpdate asks");
    }
}

void write_memory_v1(const std::string& dir, const std::vector<Write>& writes, std::vector<std::string>& warnings)
{
    for (const auto& w : writes) {
        if (w.file != "memory.use_hierarchy" || w.value != "0") {
            write_all(dir, {w});
            continue;
        }
        // Kernels that only account hierarchically refuse 0: like the deprecated kernel
        // memory limits, warned about and ignored.
        try {
            write_all(dir, {w});
        } catch (const Error& e) {
            if (e.code() != EINVAL) throw;
            warnings.push_back("config.json: " + w.field + ": false: this kernel's memory cgroups are always "
                               "hierarchical; ignored");
        }
    }
}

void write_all(const std::string& dir, const std::vector<Write>& writes)
{
    for (const auto& w : writes) {
        std::string path = dir + "/" + w.file;
        std::string where = "config.json: " + w.field + ": ";
        if (!path_exists(path)) {
            if (w.if_exists) continue;
            throw Error(where + path + ": no such file");
        }
        // write_file's error names the file: "... value 4096: write <path>: invalid argument".
        with_context(where + "value " + w.value, [&] { write_file(path, w.value); });
    }
}

void enable_v2_controller(const std::string& mount_point, const std::string& dir, std::string_view controller)
{
    if (!fs::is_below(mount_point, dir)) return;
    std::string level = mount_point;
    std::string_view rest = std::string_view(dir).substr(mount_point.size() + 1);
    for (;;) {
        auto enabled = read_file_if_exists(level + "/cgroup.subtree_control");
        bool has = false;
        if (enabled) {
            std::string_view s = *enabled;
            while (!s.empty() && !has) {
                auto sp = s.find_first_of(" \n");
                has = s.substr(0, sp) == controller;
                s = sp == std::string_view::npos ? std::string_view{} : s.substr(sp + 1);
            }
        }
        if (!has) {
            try {
                write_file(level + "/cgroup.subtree_control", std::string("+").append(controller));
            } catch (const Error&) {
                // Left to write_all, which names the field and the file that did not appear.
            }
        }
        auto slash = rest.find('/');
        if (slash == std::string_view::npos) return;  // level is dir's parent
        level.append("/").append(rest.substr(0, slash));
        rest.remove_prefix(slash + 1);
    }
}

bool applied_resource_field(std::string_view path)
{
    // Keyed by names of the host's (an HCA) or the kernel's (a v2 file).
    for (std::string_view keyed : {".linux.resources.rdma", ".linux.resources.unified", ".linux.resources.blockIO",
                                   ".linux.resources.hugepageLimits", ".linux.resources.network"})
        if (path.starts_with(keyed)) return true;
    static constexpr std::array<std::string_view, 20> applied = {
        ".linux.resources.devices",
        ".linux.resources.memory.limit",
        ".linux.resources.memory.reservation",
        ".linux.resources.memory.swap",
        ".linux.resources.memory.kernel",  // warned about and ignored, as by runc
        ".linux.resources.memory.kernelTCP",
        ".linux.resources.memory.swappiness",
        ".linux.resources.memory.disableOOMKiller",
        ".linux.resources.memory.useHierarchy",       // v1; v2 is always hierarchical
        ".linux.resources.memory.checkBeforeUpdate",  // v2, as runc (v1's kernel refuses itself)
        ".linux.resources.cpu.shares",
        ".linux.resources.cpu.quota",
        ".linux.resources.cpu.burst",
        ".linux.resources.cpu.period",
        ".linux.resources.cpu.realtimeRuntime",
        ".linux.resources.cpu.realtimePeriod",
        ".linux.resources.cpu.cpus",
        ".linux.resources.cpu.mems",
        ".linux.resources.cpu.idle",
        ".linux.resources.pids.limit",
    };
    for (auto a : applied)
        if (a == path) return true;
    return false;
}

}  // namespace berth::cgroups
