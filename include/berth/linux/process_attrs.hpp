// Process attributes of the process step beyond credentials: personality, scheduling policy,
// I/O priority, CPU affinity, NUMA memory policy. Names are translated once (pure, unit
// tested); the apply_* functions run in the child and never allocate or throw.
#pragma once
#include <sched.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "berth/util/failure.hpp"

namespace berth::os {

// The kernel's struct sched_attr (SCHED_ATTR_SIZE_VER1).
struct SchedAttr {
    uint32_t size = sizeof(SchedAttr);
    uint32_t policy = 0;
    uint64_t flags = 0;
    int32_t nice = 0;
    uint32_t priority = 0;
    uint64_t runtime = 0, deadline = 0, period = 0;
    uint32_t util_min = 0, util_max = 0;
};
static_assert(sizeof(SchedAttr) == 56);

struct MemPolicy {
    int mode = 0;                    // MPOL_* | MPOL_F_* flags
    std::vector<unsigned long> mask; // node bitmask
    unsigned long maxnode = 0;       // bits in mask
};

// Name tables: nullopt for a name that is not the kernel's.
std::optional<unsigned long> personality_domain(std::string_view name);  // LINUX, LINUX32
std::optional<uint32_t> sched_policy(std::string_view name);             // SCHED_OTHER ...
std::optional<uint64_t> sched_flag(std::string_view name);               // SCHED_FLAG_RESET_ON_FORK ...
std::optional<int> ioprio_class(std::string_view name);                  // IOPRIO_CLASS_RT ...
std::optional<int> mempolicy_mode(std::string_view name);                // MPOL_BIND ...
std::optional<int> mempolicy_flag(std::string_view name);                // MPOL_F_STATIC_NODES ...

inline constexpr unsigned max_numa_nodes = 1024;

// Every name of the two memory policy tables, for `features`.
std::vector<std::string_view> mempolicy_mode_names();
std::vector<std::string_view> mempolicy_flag_names();

// "0-3,7" -> {0,1,2,3,7}; false for anything else (empty items, reversed ranges, > limit).
bool parse_id_list(std::string_view text, unsigned limit, std::vector<unsigned>& out);

// I/O priority value for ioprio_set: class << 13 | level.
int ioprio_value(int ioclass, int level);

bool apply_personality(unsigned long persona, Failure& f) noexcept;
bool apply_scheduler(const SchedAttr& attr, Failure& f) noexcept;
bool apply_ioprio(int value, Failure& f) noexcept;
bool apply_affinity(const cpu_set_t& cpus, Failure& f) noexcept;
bool apply_mempolicy(const MemPolicy& policy, Failure& f) noexcept;

}  // namespace berth::os
