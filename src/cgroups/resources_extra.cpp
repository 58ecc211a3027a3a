// linux.resources blockIO, hugepageLimits, network, rdma and unified as cgroup file writes
// (memory, cpu, cpuset and pids are in resources.cpp). Planning only: the manager decides
// which hierarchy gets them and performs the writes.
#include <string>

#include "berth/cgroups/resources.hpp"
#include "berth/util/error.hpp"
#include "berth/util/json_reader.hpp"

namespace berth::cgroups {

namespace {

constexpr std::string_view blkio = ".linux.resources.blockIO.";

std::string blkio_field(std::string_view key) { return std::string(blkio).append(key); }

std::string device(int64_t major, int64_t minor)
{
    return std::to_string(major) + ":" + std::to_string(minor);
}

std::string element(std::string_view key, size_t i) { return blkio_field(key) + "[" + std::to_string(i) + "]"; }

struct Throttle {
    const char* key;
    const std::vector<spec::ThrottleDevice>* devices;
    const char* v1_file;
    const char* v2_name;
};

std::vector<Throttle> throttles(const spec::BlockIO& b)
{
    return {{"throttleReadBpsDevice", &b.throttle_read_bps_device, "blkio.throttle.read_bps_device", "rbps"},
            {"throttleWriteBpsDevice", &b.throttle_write_bps_device, "blkio.throttle.write_bps_device", "wbps"},
            {"throttleReadIOPSDevice", &b.throttle_read_iops_device, "blkio.throttle.read_iops_device", "riops"},
            {"throttleWriteIOPSDevice", &b.throttle_write_iops_device, "blkio.throttle.write_iops_device", "wiops"}};
}

void check_weight(std::string_view key, uint16_t w)
{
    // The kernel takes 10-1000 (v1) and runc refuses the rest before writing.
    if (w != 0 && (w < 10 || w > 1000))
        throw Error("config.json: " + blkio_field(key) + ": " + std::to_string(w) + " is out of range (10-1000)");
}

}  // namespace

uint64_t blkio_weight_to_io_weight(uint64_t weight)
{
    if (weight == 0) return 0;
    return 1 + (weight - 10) * 9999 / 990;  // runc's map of [10, 1000] onto [1, 10000]
}

std::vector<Write> blockio_v1(const spec::BlockIO& b, bool bfq)
{
    std::vector<Write> out;
    // Kernels without CFQ (5.0+) weigh through BFQ's own files, when BFQ is the scheduler.
    const std::string weight_file = bfq ? "blkio.bfq.weight" : "blkio.weight";
    if (b.weight && *b.weight != 0) {
        check_weight("weight", *b.weight);
        out.push_back({blkio_field("weight"), weight_file, std::to_string(*b.weight)});
    }
    if (b.leaf_weight && *b.leaf_weight != 0) {
        check_weight("leafWeight", *b.leaf_weight);
        out.push_back({blkio_field("leafWeight"), "blkio.leaf_weight", std::to_string(*b.leaf_weight)});
    }
    for (size_t i = 0; i < b.weight_device.size(); ++i) {
        const auto& d = b.weight_device[i];
        if (d.weight) out.push_back({element("weightDevice", i), weight_file + "_device", device(d.major, d.minor) + " " + std::to_string(*d.weight)});
        if (d.leaf_weight)
            out.push_back({element("weightDevice", i), "blkio.leaf_weight_device", device(d.major, d.minor) + " " + std::to_string(*d.leaf_weight)});
    }
    for (const auto& t : throttles(b))
        for (size_t i = 0; i < t.devices->size(); ++i) {
            const auto& d = (*t.devices)[i];
            out.push_back({element(t.key, i), t.v1_file, device(d.major, d.minor) + " " + std::to_string(d.rate)});
        }
    return out;
}

std::vector<Write> blockio_v2(const spec::BlockIO& b, bool bfq, std::vector<std::string>& warnings)
{
    std::vector<Write> out;
    if (b.weight && *b.weight != 0) {
        check_weight("weight", *b.weight);
        // BFQ takes the v1 scale as it is; io.weight its own, converted as runc does.
        if (bfq)
            out.push_back({blkio_field("weight"), "io.bfq.weight", std::to_string(*b.weight)});
        else
            out.push_back({blkio_field("weight"), "io.weight", "default " + std::to_string(blkio_weight_to_io_weight(*b.weight))});
    }
    if (b.leaf_weight && *b.leaf_weight != 0)
        warnings.push_back("config.json: " + blkio_field("leafWeight") + ": cgroup v2 has no leaf weight; ignored");
    for (size_t i = 0; i < b.weight_device.size(); ++i) {
        const auto& d = b.weight_device[i];
        if (!d.weight) continue;
        if (bfq)
            out.push_back({element("weightDevice", i), "io.bfq.weight", device(d.major, d.minor) + " " + std::to_string(*d.weight)});
        else
            out.push_back({element("weightDevice", i), "io.weight",
                           device(d.major, d.minor) + " " + std::to_string(blkio_weight_to_io_weight(*d.weight))});
    }
    for (const auto& t : throttles(b))
        for (size_t i = 0; i < t.devices->size(); ++i) {
            const auto& d = (*t.devices)[i];
            // 0 lifts the limit on v1; v2 spells that "max".
            std::string rate = d.rate == 0 ? "max" : std::to_string(d.rate);
            out.push_back({element(t.key, i), "io.max", device(d.major, d.minor) + " " + t.v2_name + "=" + rate});
        }
    return out;
}

std::vector<Write> hugetlb_writes(const std::vector<spec::HugepageLimit>& limits, bool v2)
{
    std::vector<Write> out;
    for (size_t i = 0; i < limits.size(); ++i) {
        const auto& l = limits[i];
        std::string where = ".linux.resources.hugepageLimits[" + std::to_string(i) + "]";
        if (l.page_size.empty() || l.page_size.find('/') != std::string::npos)
            throw Error("config.json: " + where + ".pageSize: invalid page size \"" + l.page_size + "\"");
        std::string prefix = "hugetlb." + l.page_size;
        std::string value = std::to_string(l.limit);
        out.push_back({where + ".limit", prefix + (v2 ? ".max" : ".limit_in_bytes"), value});
        // Reservations count too where the kernel has them (5.7+), as runc sets both.
        out.push_back({where + ".limit", prefix + (v2 ? ".rsvd.max" : ".rsvd.limit_in_bytes"), value, true});
    }
    return out;
}

std::vector<Write> net_cls_writes(const spec::Network& n)
{
    if (!n.class_id) return {};
    return {{".linux.resources.network.classID", "net_cls.classid", std::to_string(*n.class_id)}};
}

std::vector<Write> net_prio_writes(const spec::Network& n)
{
    std::vector<Write> out;
    for (size_t i = 0; i < n.priorities.size(); ++i) {
        const auto& p = n.priorities[i];
        out.push_back({".linux.resources.network.priorities[" + std::to_string(i) + "]", "net_prio.ifpriomap",
                       p.name + " " + std::to_string(p.priority)});
    }
    return out;
}

std::vector<Write> rdma_writes(const std::map<std::string, spec::Rdma>& rdma)
{
    std::vector<Write> out;
    for (const auto& [hca, l] : rdma) {
        if (!l.hca_handles && !l.hca_objects) continue;
        std::string v = hca;
        if (l.hca_handles) v += " hca_handle=" + std::to_string(*l.hca_handles);
        if (l.hca_objects) v += " hca_object=" + std::to_string(*l.hca_objects);
        out.push_back({json_member_path(".linux.resources.rdma", hca), "rdma.max", v});
    }
    return out;
}

std::vector<Write> unified_writes(const std::map<std::string, std::string>& unified)
{
    std::vector<Write> out;
    for (const auto& [key, value] : unified) {
        std::string where = json_member_path(".linux.resources.unified", key);
        // A file of the container's own cgroup dir, and not one that moves processes.
        if (key.empty() || key.find('/') != std::string::npos || key.front() == '.' || key.find('.') == std::string::npos ||
            key == "cgroup.procs" || key == "cgroup.threads")
            throw Error("config.json: " + where + ": not a cgroup v2 interface file berth may write");
        out.push_back({where, key, value});
    }
    return out;
}

}  // namespace berth::cgroups
