// config.json linux.resources. Scalars are std::optional so "set" and "absent" differ.
#include "decode.hpp"

namespace berth::spec::detail {

void decode(const JsonNode& n, DeviceCgroupRule& r)
{
    n.require_object();
    opt(n, "allow", r.allow);  // absent is false (deny), as in Go
    opt(n, "type", r.type);
    opt(n, "major", r.major);
    opt(n, "minor", r.minor);
    opt(n, "access", r.access);
}

void decode(const JsonNode& n, Memory& m)
{
    n.require_object();
    opt(n, "limit", m.limit);
    opt(n, "reservation", m.reservation);
    opt(n, "swap", m.swap);
    opt(n, "kernel", m.kernel);
    opt(n, "kernelTCP", m.kernel_tcp);
    opt(n, "swappiness", m.swappiness);
    opt(n, "disableOOMKiller", m.disable_oom_killer);
    opt(n, "useHierarchy", m.use_hierarchy);
    opt(n, "checkBeforeUpdate", m.check_before_update);
}

void decode(const JsonNode& n, Cpu& c)
{
    n.require_object();
    opt(n, "shares", c.shares);
    opt(n, "quota", c.quota);
    opt(n, "burst", c.burst);
    opt(n, "period", c.period);
    opt(n, "realtimeRuntime", c.realtime_runtime);
    opt(n, "realtimePeriod", c.realtime_period);
    opt(n, "cpus", c.cpus);
    opt(n, "mems", c.mems);
    opt(n, "idle", c.idle);
}

void decode(const JsonNode& n, Pids& p)
{
    n.require_object();
    opt(n, "limit", p.limit);
}

void decode(const JsonNode& n, WeightDevice& w)
{
    n.require_object();
    opt(n, "major", w.major);
    opt(n, "minor", w.minor);
    opt(n, "weight", w.weight);
    opt(n, "leafWeight", w.leaf_weight);
}

void decode(const JsonNode& n, ThrottleDevice& t)
{
    n.require_object();
    opt(n, "major", t.major);
    opt(n, "minor", t.minor);
    opt(n, "rate", t.rate);
}

void decode(const JsonNode& n, BlockIO& b)
{
    n.require_object();
    opt(n, "weight", b.weight);
    opt(n, "leafWeight", b.leaf_weight);
    opt(n, "weightDevice", b.weight_device);
    opt(n, "throttleReadBpsDevice", b.throttle_read_bps_device);
    opt(n, "throttleWriteBpsDevice", b.throttle_write_bps_device);
    opt(n, "throttleReadIOPSDevice", b.throttle_read_iops_device);
    opt(n, "throttleWriteIOPSDevice", b.throttle_write_iops_device);
}

void decode(const JsonNode& n, HugepageLimit& h)
{
    n.require_object();
    req(n, "pageSize", h.page_size);
    opt(n, "limit", h.limit);
}

void decode(const JsonNode& n, InterfacePriority& p)
{
    n.require_object();
    opt(n, "name", p.name);
    opt(n, "priority", p.priority);
}

void decode(const JsonNode& n, Network& net)
{
    n.require_object();
    opt(n, "classID", net.class_id);
    opt(n, "priorities", net.priorities);
}

void decode(const JsonNode& n, Rdma& r)
{
    n.require_object();
    opt(n, "hcaHandles", r.hca_handles);
    opt(n, "hcaObjects", r.hca_objects);
}

void decode(const JsonNode& n, Resources& r)
{
    n.require_object();
    opt(n, "devices", r.devices);
    opt(n, "memory", r.memory);
    opt(n, "cpu", r.cpu);
    opt(n, "pids", r.pids);
    opt(n, "blockIO", r.block_io);
    opt(n, "hugepageLimits", r.hugepage_limits);
    opt(n, "network", r.network);
    opt(n, "rdma", r.rdma);
    opt(n, "unified", r.unified);
}

}  // namespace berth::spec::detail
