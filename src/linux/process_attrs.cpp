#include "berth/linux/process_attrs.hpp"

#include <linux/mempolicy.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

namespace berth::os {

namespace {

template <class T>
struct Named {
    std::string_view name;
    T value;
};

template <class T, size_t N>
std::optional<T> lookup(const Named<T> (&table)[N], std::string_view name)
{
    for (const auto& e : table)
        if (e.name == name) return e.value;
    return std::nullopt;
}

// Newer than Debian 12's kernel headers.
constexpr int mpol_weighted_interleave = 6;
constexpr uint64_t sched_flag_util_clamp_min = 0x20, sched_flag_util_clamp_max = 0x40;

constexpr Named<unsigned long> personalities[] = {{"LINUX", PER_LINUX}, {"LINUX32", PER_LINUX32}};
constexpr Named<uint32_t> policies[] = {{"SCHED_OTHER", SCHED_OTHER}, {"SCHED_FIFO", SCHED_FIFO},
                                        {"SCHED_RR", SCHED_RR},       {"SCHED_BATCH", SCHED_BATCH},
                                        {"SCHED_ISO", 4},             {"SCHED_IDLE", SCHED_IDLE},
                                        {"SCHED_DEADLINE", 6}};
constexpr Named<uint64_t> sched_flags[] = {
    {"SCHED_FLAG_RESET_ON_FORK", 0x01}, {"SCHED_FLAG_RECLAIM", 0x02},     {"SCHED_FLAG_DL_OVERRUN", 0x04},
    {"SCHED_FLAG_KEEP_POLICY", 0x08},   {"SCHED_FLAG_KEEP_PARAMS", 0x10}, {"SCHED_FLAG_UTIL_CLAMP_MIN", sched_flag_util_clamp_min},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", sched_flag_util_clamp_max}};
constexpr Named<int> ioprio_classes[] = {{"IOPRIO_CLASS_RT", 1}, {"IOPRIO_CLASS_BE", 2}, {"IOPRIO_CLASS_IDLE", 3}};
constexpr Named<int> mpol_modes[] = {{"MPOL_DEFAULT", MPOL_DEFAULT},
                                     {"MPOL_PREFERRED", MPOL_PREFERRED},
                                     {"MPOL_BIND", MPOL_BIND},
                                     {"MPOL_INTERLEAVE", MPOL_INTERLEAVE},
                                     {"MPOL_LOCAL", MPOL_LOCAL},
                                     {"MPOL_PREFERRED_MANY", MPOL_PREFERRED_MANY},
                                     {"MPOL_WEIGHTED_INTERLEAVE", mpol_weighted_interleave}};
constexpr Named<int> mpol_flags[] = {{"MPOL_F_STATIC_NODES", MPOL_F_STATIC_NODES},
                                     {"MPOL_F_RELATIVE_NODES", MPOL_F_RELATIVE_NODES},
                                     {"MPOL_F_NUMA_BALANCING", MPOL_F_NUMA_BALANCING}};

bool parse_uint(std::string_view s, unsigned& out)
{
    if (s.empty()) return false;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && end == s.data() + s.size();
}

}  // namespace

std::optional<unsigned long> personality_domain(std::string_view n) { return lookup(personalities, n); }
std::optional<uint32_t> sched_policy(std::string_view n) { return lookup(policies, n); }
std::optional<uint64_t> sched_flag(std::string_view n) { return lookup(sched_flags, n); }
std::optional<int> ioprio_class(std::string_view n) { return lookup(ioprio_classes, n); }
std::optional<int> mempolicy_mode(std::string_view n) { return lookup(mpol_modes, n); }
std::optional<int> mempolicy_flag(std::string_view n) { return lookup(mpol_flags, n); }

std::vector<std::string_view> mempolicy_mode_names()
{
    std::vector<std::string_view> out;
    for (const auto& e : mpol_modes) out.push_back(e.name);
    return out;
}

std::vector<std::string_view> mempolicy_flag_names()
{
    std::vector<std::string_view> out;
    for (const auto& e : mpol_flags) out.push_back(e.name);
    return out;
}

bool parse_id_list(std::string_view text, unsigned limit, std::vector<unsigned>& out)
{
    out.clear();
    while (!text.empty()) {
        auto comma = text.find(',');
        std::string_view item = text.substr(0, comma);
        text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
        if (comma != std::string_view::npos && text.empty()) return false;  // trailing comma
        auto dash = item.find('-');
        unsigned lo, hi;
        if (dash == std::string_view::npos) {
            if (!parse_uint(item, lo)) return false;
            hi = lo;
        } else if (!parse_uint(item.substr(0, dash), lo) || !parse_uint(item.substr(dash + 1), hi) || hi < lo) {
            return false;
        }
        if (hi >= limit) return false;
        for (unsigned i = lo; i <= hi; ++i) out.push_back(i);
    }
    return !out.empty();
}

int ioprio_value(int ioclass, int level) { return (ioclass << 13) | level; }

bool apply_personality(unsigned long persona, Failure& f) noexcept
{
    if (::personality(persona) < 0) return f.set(errno, "personality 0x%lx", persona);
    return true;
}

bool apply_scheduler(const SchedAttr& attr, Failure& f) noexcept
{
    if (::syscall(SYS_sched_setattr, 0, &attr, 0) < 0) return f.set(errno, "sched_setattr (policy %u)", attr.policy);
    return true;
}

bool apply_ioprio(int value, Failure& f) noexcept
{
    constexpr int ioprio_who_process = 1;
    if (::syscall(SYS_ioprio_set, ioprio_who_process, 0, value) < 0) return f.set(errno, "ioprio_set 0x%x", value);
    return true;
}

bool apply_affinity(const cpu_set_t& cpus, Failure& f) noexcept
{
    if (::sched_setaffinity(0, sizeof cpus, &cpus) < 0) return f.set(errno, "sched_setaffinity");
    return true;
}

bool apply_mempolicy(const MemPolicy& p, Failure& f) noexcept
{
    if (::syscall(SYS_set_mempolicy, p.mode, p.mask.empty() ? nullptr : p.mask.data(), p.maxnode) < 0)
        return f.set(errno, "set_mempolicy (mode 0x%x)", static_cast<unsigned>(p.mode));
    return true;
}

}  // namespace berth::os
