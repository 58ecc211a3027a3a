#include "berth/spec/resources_fields.hpp"

#include "berth/util/json_reader.hpp"

namespace berth::spec {

namespace {

constexpr std::string_view base = ".linux.resources";

class Collector {
public:
    explicit Collector(std::vector<std::string>& out) : out_(out) {}

    void add(std::string_view path) { out_.emplace_back(path); }

    template <class T>
    void opt(std::string_view parent, std::string_view key, const std::optional<T>& v)
    {
        if (v) out_.push_back(json_member_path(parent, key));
    }
    // Strings, arrays and maps count as set when non-empty.
    template <class T>
    void nonempty(std::string_view parent, std::string_view key, const T& v)
    {
        if (!v.empty()) out_.push_back(json_member_path(parent, key));
    }

private:
    std::vector<std::string>& out_;
};

void memory_fields(Collector& c, const Memory& m)
{
    const std::string p = json_member_path(base, "memory");
    c.opt(p, "limit", m.limit);
    c.opt(p, "reservation", m.reservation);
    c.opt(p, "swap", m.swap);
    c.opt(p, "kernel", m.kernel);
    c.opt(p, "kernelTCP", m.kernel_tcp);
    c.opt(p, "swappiness", m.swappiness);
    c.opt(p, "disableOOMKiller", m.disable_oom_killer);
    c.opt(p, "useHierarchy", m.use_hierarchy);
    c.opt(p, "checkBeforeUpdate", m.check_before_update);
}

void cpu_fields(Collector& c, const Cpu& cpu)
{
    const std::string p = json_member_path(base, "cpu");
    c.opt(p, "shares", cpu.shares);
    c.opt(p, "quota", cpu.quota);
    c.opt(p, "burst", cpu.burst);
    c.opt(p, "period", cpu.period);
    c.opt(p, "realtimeRuntime", cpu.realtime_runtime);
    c.opt(p, "realtimePeriod", cpu.realtime_period);
    c.nonempty(p, "cpus", cpu.cpus);
    c.nonempty(p, "mems", cpu.mems);
    c.opt(p, "idle", cpu.idle);
}

void block_io_fields(Collector& c, const BlockIO& b)
{
    const std::string p = json_member_path(base, "blockIO");
    c.opt(p, "weight", b.weight);
    c.opt(p, "leafWeight", b.leaf_weight);
    c.nonempty(p, "weightDevice", b.weight_device);
    c.nonempty(p, "throttleReadBpsDevice", b.throttle_read_bps_device);
    c.nonempty(p, "throttleWriteBpsDevice", b.throttle_write_bps_device);
    c.nonempty(p, "throttleReadIOPSDevice", b.throttle_read_iops_device);
    c.nonempty(p, "throttleWriteIOPSDevice", b.throttle_write_iops_device);
}

}  // namespace

std::vector<std::string> set_resource_fields(const Resources& r)
{
    std::vector<std::string> out;
    Collector c(out);
    c.nonempty(base, "devices", r.devices);
    if (r.memory) memory_fields(c, *r.memory);
    if (r.cpu) cpu_fields(c, *r.cpu);
    if (r.pids) c.opt(json_member_path(base, "pids"), "limit", r.pids->limit);
    if (r.block_io) block_io_fields(c, *r.block_io);
    c.nonempty(base, "hugepageLimits", r.hugepage_limits);
    if (r.network) {
        const std::string p = json_member_path(base, "network");
        c.opt(p, "classID", r.network->class_id);
        c.nonempty(p, "priorities", r.network->priorities);
    }
    for (const auto& [hca, limits] : r.rdma)
        if (limits.hca_handles || limits.hca_objects)
            c.add(json_member_path(json_member_path(base, "rdma"), hca));
    for (const auto& [key, value] : r.unified) c.add(json_member_path(json_member_path(base, "unified"), key));
    return out;
}

}  // namespace berth::spec
