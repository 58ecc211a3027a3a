// linux.resources (memory, cpu, cpuset, pids) as cgroup file writes, for v1 and v2.
// Planning is pure (unit-tested against expected writes); write_all and enable_v2_controllers
// touch the cgroup tree.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Header-only use of the spec's plain structs: cgroups does not link spec.
#include "berth/spec/config.hpp"

namespace berth::cgroups {

// One cgroup file write that applies a config field.
struct Write {
    std::string field;        // JSON path, ".linux.resources.memory.limit"
    std::string file;         // in the controller's cgroup dir: "memory.limit_in_bytes"
    std::string value;
    bool if_exists = false;   // implied by another field: skipped when the kernel lacks the file

    bool operator==(const Write&) const = default;
};

// runc's conversions (cgroups/utils.go), v1 values to v2 ones.
// cpu.shares [2, 262144] to cpu.weight [1, 10000], the default 1024 to the default 100;
// 0 stays 0 (unset).
uint64_t cpu_shares_to_weight(uint64_t shares);
// memory.swap in the runtime-spec is memory+swap (v1's memsw); v2's memory.swap.max is swap
// alone: swap - limit. -1 (max) and 0 (unset) pass through; limit 0 means unset. Throws Error
// (with the field's path) for a swap limit without a memory limit or below it.
int64_t memory_swap_to_v2(int64_t swap, int64_t limit);

// The writes for one controller, in the order they must happen. `warnings` collects fields that
// are ignored (as runc ignores them), each naming its JSON path. Fields a version cannot apply
// at all throw Error naming the field.
// current_limit: the cgroup's memory.limit_in_bytes, needed only when limit and swap are both
// set (v1 requires memsw >= limit at every moment, so raising writes memsw first).
std::vector<Write> memory_v1(const spec::Memory& m, std::optional<uint64_t> current_limit,
                             std::vector<std::string>& warnings);
std::vector<Write> memory_v2(const spec::Memory& m, std::vector<std::string>& warnings);
std::vector<Write> cpu_v1(const spec::Cpu& c);
std::vector<Write> cpu_v2(const spec::Cpu& c);
std::vector<Write> cpuset_writes(const spec::Cpu& c);  // same files on v1 and v2
std::vector<Write> pids_writes(const spec::Pids& p);   // same file on v1 and v2

// resources_extra.cpp. blockIO: bfq when the BFQ weight files are there (blkio.bfq.weight on
// v1, io.bfq.weight on v2; kernels since 5.0 have no CFQ); v2 takes runc's weight conversion
// and io.max for the throttles (rate 0: "max").
uint64_t blkio_weight_to_io_weight(uint64_t weight);  // [10, 1000] -> [1, 10000]; 0 stays 0
std::vector<Write> blockio_v1(const spec::BlockIO& b, bool bfq);
std::vector<Write> blockio_v2(const spec::BlockIO& b, bool bfq, std::vector<std::string>& warnings);
// hugetlb.<pageSize>.limit_in_bytes (v1) or .max (v2), and the reservation files where present.
std::vector<Write> hugetlb_writes(const std::vector<spec::HugepageLimit>& limits, bool v2);
// v1 only: cgroup v2 has no net_cls or net_prio.
std::vector<Write> net_cls_writes(const spec::Network& n);
std::vector<Write> net_prio_writes(const spec::Network& n);
std::vector<Write> rdma_writes(const std::map<std::string, spec::Rdma>& rdma);  // rdma.max, v1 and v2
// v2 only: each key a file of the container's cgroup dir. Throws for a path or cgroup.procs.
std::vector<Write> unified_writes(const std::map<std::string, std::string>& unified);

// memory.checkBeforeUpdate (cgroup v2, as runc): throws naming the field when the new memory
// limit, or memory+swap limit, is not above `usage` (the cgroup's memory.current).
void check_memory_usage(const spec::Memory& m, uint64_t usage);

// write_all for memory_v1's writes, except that memory.use_hierarchy 0, which kernels that
// only account hierarchically refuse (EINVAL), becomes a warning.
void write_memory_v1(const std::string& dir, const std::vector<Write>& writes, std::vector<std::string>& warnings);

// Performs the writes in dir. A missing file fails with
// "config.json: <field>: <dir>/<file>: no such file"; a refused write with
// "config.json: <field>: value <value>: write <dir>/<file>: <strerror>".
void write_all(const std::string& dir, const std::vector<Write>& writes);

// Adds `controller` to cgroup.subtree_control of every level from mount_point down to dir's
// parent, so dir gets the controller's files. Best effort: a level that refuses (controller not
// available, processes in an inner cgroup) is left as it is and write_all reports the missing file.
void enable_v2_controller(const std::string& mount_point, const std::string& dir, std::string_view controller);

// Whether berth applies the linux.resources field at `path` (".linux.resources.cpu.quota");
// the others are noted as not applied yet.
bool applied_resource_field(std::string_view path);

}  // namespace berth::cgroups
