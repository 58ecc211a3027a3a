#include "berth/linux/cpu_placement.hpp"

namespace berth::os {

std::optional<cpu_set_t> mask_without(const cpu_set_t& mask, int cpu) noexcept
{
    if (cpu < 0 || cpu >= CPU_SETSIZE) return std::nullopt;
    const auto c = static_cast<unsigned>(cpu);
    if (!CPU_ISSET(c, &mask) || CPU_COUNT(&mask) < 2) return std::nullopt;
    cpu_set_t out = mask;
    CPU_CLR(c, &out);
    return out;
}

CpuPlacement CpuPlacement::away_from_caller() noexcept
{
    CpuPlacement p;
    if (::sched_getaffinity(0, sizeof p.born_, &p.born_) < 0) return p;
    auto away = mask_without(p.born_, ::sched_getcpu());
    if (!away) return p;
    p.away_ = *away;
    p.active_ = true;
    return p;
}

void CpuPlacement::apply(pid_t child) const noexcept
{
    if (active_) (void)::sched_setaffinity(child, sizeof away_, &away_);
}

bool CpuPlacement::in_effect() const noexcept
{
    if (!active_) return false;
    cpu_set_t now;
    return ::sched_getaffinity(0, sizeof now, &now) >= 0 && CPU_EQUAL(&now, &away_);
}

void CpuPlacement::restore() const noexcept
{
    if (in_effect()) (void)::sched_setaffinity(0, sizeof born_, &born_);
}

}  // namespace berth::os
