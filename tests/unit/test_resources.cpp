// linux.resources as cgroup file writes: the conversions, the writes per field on v1 and v2,
// and a manager applying them to a fake cgroup tree (plain files in a temp dir, no root).
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "berth/cgroups/backends.hpp"
#include "berth/cgroups/resources.hpp"
#include "berth/util/error.hpp"
#include "support.hpp"
#include "berth/util/file.hpp"

using namespace berth;
using namespace berth::cgroups;

using berth::test::error_of;

namespace {

struct FakeTree {
    std::string root;
    FakeTree()
    {
        char tmpl[] = "/tmp/berth-res-XXXXXX";
        REQUIRE(::mkdtemp(tmpl));
        root = tmpl;
    }
    ~FakeTree() { remove_tree(root); }

    // A cgroup dir with empty interface files.
    std::string dir(const std::string& rel, std::initializer_list<const char*> files) const
    {
        std::string d = root + "/" + rel;
        mkdir_p(d, 0755);
        for (const char* f : files) write_file_atomic(d + "/" + f, "");
        return d;
    }
    std::string read(const std::string& path) const { return read_file(path); }
};

// Field paths; built with append, as GCC 12 misreads operator+ here (-Wrestrict at -O3).
[[gnu::noinline]] std::string mf(const char* key) { return std::string(".linux.resources.memory.").append(key); }
[[gnu::noinline]] std::string cf(const char* key) { return std::string(".linux.resources.cpu.").append(key); }

}  // namespace

TEST_CASE("cpu shares to cgroup v2 weight", "[resources]")
{
    CHECK(cpu_shares_to_weight(0) == 0);  // unset stays unset
    CHECK(cpu_shares_to_weight(2) == 1);
    CHECK(cpu_shares_to_weight(3) == 2);
    CHECK(cpu_shares_to_weight(512) == 59);
    CHECK(cpu_shares_to_weight(1024) == 100);  // default to default
    CHECK(cpu_shares_to_weight(2048) == 174);
    CHECK(cpu_shares_to_weight(100000) == 4340);
    CHECK(cpu_shares_to_weight(262143) == 10000);
    CHECK(cpu_shares_to_weight(262144) == 10000);
    CHECK(cpu_shares_to_weight(1) == 1);  // clamped to the v1 range
    CHECK(cpu_shares_to_weight(1000000) == 10000);
}

TEST_CASE("memory+swap to cgroup v2 swap", "[resources]")
{
    CHECK(memory_swap_to_v2(-1, 100) == -1);
    CHECK(memory_swap_to_v2(0, 100) == 0);
    CHECK(memory_swap_to_v2(300, 100) == 200);
    CHECK(memory_swap_to_v2(100, 100) == 0);
    CHECK(error_of([] { memory_swap_to_v2(300, 0); }) ==
          "config.json: .linux.resources.memory.swap: a swap limit needs a memory limit (.linux.resources.memory.limit)");
    CHECK(error_of([] { memory_swap_to_v2(300, -1); }).find("needs a memory limit") != std::string::npos);
    CHECK(error_of([] { memory_swap_to_v2(50, 100); }) ==
          "config.json: .linux.resources.memory.swap: memory+swap (50) must not be below the memory limit (100)");
    CHECK(error_of([] { memory_swap_to_v2(-5, 100); }) == "config.json: .linux.resources.memory.swap: invalid value -5");
}

TEST_CASE("memory writes on v1", "[resources]")
{
    std::vector<std::string> warnings;
    spec::Memory m;
    m.limit = 64 << 20;
    m.reservation = 32 << 20;
    m.swappiness = 10;
    m.disable_oom_killer = true;
    CHECK(memory_v1(m, std::nullopt, warnings) ==
          std::vector<Write>{{mf("limit"), "memory.limit_in_bytes", "67108864"},
                             {mf("reservation"), "memory.soft_limit_in_bytes", "33554432"},
                             {mf("swappiness"), "memory.swappiness", "10"},
                             {mf("disableOOMKiller"), "memory.oom_control", "1"}});
    CHECK(warnings.empty());

    // memsw >= limit must hold after every write: raising above the current limit writes memsw first.
    m = {};
    m.limit = 200;
    m.swap = 400;
    Write limit{mf("limit"), "memory.limit_in_bytes", "200"}, swap{mf("swap"), "memory.memsw.limit_in_bytes", "400"};
    CHECK(memory_v1(m, 100, warnings) == std::vector<Write>{swap, limit});
    CHECK(memory_v1(m, 500, warnings) == std::vector<Write>{limit, swap});
    CHECK(memory_v1(m, std::nullopt, warnings) == std::vector<Write>{limit, swap});
    m.swap = -1;
    CHECK(memory_v1(m, 500, warnings) ==
          std::vector<Write>{{mf("swap"), "memory.memsw.limit_in_bytes", "-1"}, limit});

    // Unlimited memory, swap unsaid: memsw unlimited too, where the kernel accounts swap.
    m = {};
    m.limit = -1;
    CHECK(memory_v1(m, std::nullopt, warnings) ==
          std::vector<Write>{{mf("limit"), "memory.limit_in_bytes", "-1"},
                             {mf("limit"), "memory.memsw.limit_in_bytes", "-1", true}});

    m = {};
    m.kernel = 1 << 20;
    m.kernel_tcp = 1 << 20;
    CHECK(memory_v1(m, std::nullopt, warnings).empty());
    CHECK(warnings == std::vector<std::string>{
                          "config.json: .linux.resources.memory.kernel: kernel memory limits are deprecated; ignored",
                          "config.json: .linux.resources.memory.kernelTCP: kernel TCP memory limits are deprecated; ignored"});

    m = {};
    m.swappiness = 101;
    CHECK(error_of([&] { memory_v1(m, std::nullopt, warnings); }) ==
          "config.json: .linux.resources.memory.swappiness: 101 is out of range (0-100)");
}

TEST_CASE("memory writes on v2", "[resources]")
{
    std::vector<std::string> warnings;
    spec::Memory m;
    m.limit = 100;
    m.swap = 300;
    m.reservation = 50;
    CHECK(memory_v2(m, warnings) == std::vector<Write>{{mf("swap"), "memory.swap.max", "200"},
                                                       {mf("limit"), "memory.max", "100"},
                                                       {mf("reservation"), "memory.low", "50"}});
    m.swap = 100;  // memory+swap == memory: no swap at all, not "unset"
    CHECK(memory_v2(m, warnings).front() == Write{mf("swap"), "memory.swap.max", "0"});
    m = {};
    m.limit = -1;
    CHECK(memory_v2(m, warnings) == std::vector<Write>{{mf("limit"), "memory.swap.max", "max", true},
                                                       {mf("limit"), "memory.max", "max"}});
    m.swap = -1;
    CHECK(memory_v2(m, warnings).front() == Write{mf("swap"), "memory.swap.max", "max"});
    CHECK(warnings.empty());

    m = {};
    m.swappiness = 0;
    m.disable_oom_killer = true;
    CHECK(memory_v2(m, warnings).empty());
    CHECK(warnings == std::vector<std::string>{
                          "config.json: .linux.resources.memory.swappiness: cgroup v2 has no per-cgroup swappiness; ignored",
                          "config.json: .linux.resources.memory.disableOOMKiller: cgroup v2 cannot disable the OOM "
                          "killer; ignored"});
}

TEST_CASE("cpu, cpuset and pids writes", "[resources]")
{
    spec::Cpu c;
    c.shares = 512;
    c.quota = 50000;
    c.period = 100000;
    c.burst = 1000;
    c.idle = 0;
    c.cpus = std::string(1, '0');  // not = "0": GCC 12 -Wrestrict false positive at -O3
    c.mems = c.cpus;
    CHECK(cpu_v1(c) == std::vector<Write>{{cf("shares"), "cpu.shares", "512"},
                                          {cf("period"), "cpu.cfs_period_us", "100000"},
                                          {cf("quota"), "cpu.cfs_quota_us", "50000"},
                                          {cf("burst"), "cpu.cfs_burst_us", "1000"},
                                          {cf("idle"), "cpu.idle", "0"}});
    CHECK(cpu_v2(c) == std::vector<Write>{{cf("shares"), "cpu.weight", "59"},
                                          {cf("quota"), "cpu.max", "50000 100000"},
                                          {cf("burst"), "cpu.max.burst", "1000"},
                                          {cf("idle"), "cpu.idle", "0"}});
    CHECK(cpuset_writes(c) ==
          std::vector<Write>{{cf("cpus"), "cpuset.cpus", "0"}, {cf("mems"), "cpuset.mems", "0"}});

    spec::Cpu q;
    q.quota = -1;
    CHECK(cpu_v2(q) == std::vector<Write>{{cf("quota"), "cpu.max", "max"}});
    q.period = 20000;
    CHECK(cpu_v2(q) == std::vector<Write>{{cf("quota"), "cpu.max", "max 20000"}});
    q = {};
    q.period = 20000;
    CHECK(cpu_v2(q) == std::vector<Write>{{cf("period"), "cpu.max", "max 20000"}});
    CHECK(cpu_v2(spec::Cpu{}).empty());
    CHECK(cpuset_writes(spec::Cpu{}).empty());

    spec::Cpu rt;
    rt.realtime_runtime = 950000;
    rt.realtime_period = 1000000;
    CHECK(cpu_v1(rt) == std::vector<Write>{{cf("realtimePeriod"), "cpu.rt_period_us", "1000000"},
                                           {cf("realtimeRuntime"), "cpu.rt_runtime_us", "950000"}});
    CHECK(error_of([&] { cpu_v2(rt); }) ==
          "config.json: .linux.resources.cpu.realtimeRuntime: cgroup v2 has no realtime scheduling limits");

    spec::Pids p;
    p.limit = 32;
    CHECK(pids_writes(p) == std::vector<Write>{{".linux.resources.pids.limit", "pids.max", "32"}});
    p.limit = 0;
    CHECK(pids_writes(p).front().value == "max");
    p.limit = -1;
    CHECK(pids_writes(p).front().value == "max");
    CHECK(pids_writes(spec::Pids{}).empty());
}

TEST_CASE("applied resource fields", "[resources]")
{
    CHECK(applied_resource_field(".linux.resources.memory.limit"));
    CHECK(applied_resource_field(".linux.resources.pids.limit"));
    CHECK(applied_resource_field(".linux.resources.devices"));
    CHECK(applied_resource_field(".linux.resources.memory.useHierarchy"));
    CHECK(applied_resource_field(".linux.resources.blockIO.weight"));  // v1 and v2, resources_extra.cpp
    CHECK(applied_resource_field(".linux.resources.unified[\"memory.high\"]"));
    CHECK(applied_resource_field(".linux.resources.hugepageLimits"));
    CHECK(applied_resource_field(".linux.resources.memory.checkBeforeUpdate"));
    CHECK_FALSE(applied_resource_field(".linux.resources.memory.unknown"));
}

TEST_CASE("apply_resources on a fake v1 tree", "[resources]")
{
    FakeTree t;
    std::string memd = t.dir("memory/berth/c1", {"memory.limit_in_bytes", "memory.memsw.limit_in_bytes"});
    std::string cpud = t.dir("cpu/berth/c1", {"cpu.shares", "cpu.cfs_quota_us", "cpu.cfs_period_us"});
    std::string pidd = t.dir("pids/berth/c1", {"pids.max"});
    V1 v1({{t.root + "/memory", {"memory"}, memd}, {t.root + "/cpu", {"cpu", "cpuacct"}, cpud},
           {t.root + "/pids", {"pids"}, pidd}});
    auto m = make_fs_manager(Mode::v1, v1, std::nullopt);

    spec::Resources r;
    r.memory.emplace().limit = 64 << 20;
    r.cpu.emplace();
    r.cpu->shares = 512;
    r.cpu->quota = 50000;
    r.cpu->period = 100000;
    r.pids.emplace().limit = 32;
    CHECK(m->apply_resources(r).empty());
    CHECK(t.read(memd + "/memory.limit_in_bytes") == "67108864");
    CHECK(t.read(cpud + "/cpu.shares") == "512");
    CHECK(t.read(cpud + "/cpu.cfs_quota_us") == "50000");
    CHECK(t.read(cpud + "/cpu.cfs_period_us") == "100000");
    CHECK(t.read(pidd + "/pids.max") == "32");

    // The host lacks the file: the field and the file are named.
    spec::Resources rt;
    rt.cpu.emplace().realtime_runtime = 1000;
    CHECK(error_of([&] { m->apply_resources(rt); }) ==
          "config.json: .linux.resources.cpu.realtimeRuntime: " + cpud + "/cpu.rt_runtime_us: no such file");
    // A refused write names the field, the value and the file.
    spec::Resources p;
    p.pids.emplace().limit = 16;
    ::unlink((pidd + "/pids.max").c_str());
    mkdir_p(pidd + "/pids.max", 0755);
    auto err = error_of([&] { m->apply_resources(p); });
    CHECK(err.starts_with("config.json: .linux.resources.pids.limit: value 16: "));
    CHECK(err.find(pidd + "/pids.max: ") != std::string::npos);
    // No cpuset hierarchy and no unified one.
    spec::Resources cs;
    cs.cpu.emplace().cpus = "0";
    CHECK(error_of([&] { m->apply_resources(cs); }) ==
          "config.json: .linux.resources.cpu.cpus: no cpuset controller is mounted (cgroup v1 or v2)");
}

TEST_CASE("apply_resources on a fake v2 tree enables the controllers in the parents", "[resources]")
{
    FakeTree t;
    t.dir("", {"cgroup.subtree_control"});
    t.dir("berth", {"cgroup.subtree_control"});
    std::string d = t.dir("berth/c1", {"memory.max", "memory.swap.max", "pids.max"});
    auto m = make_fs_manager(Mode::unified, std::nullopt, V2(t.root, d));

    spec::Resources r;
    r.memory.emplace().limit = 64 << 20;
    r.memory->swap = 128 << 20;
    r.memory->disable_oom_killer = true;
    r.pids.emplace().limit = 32;
    auto warnings = m->apply_resources(r);
    CHECK(warnings == std::vector<std::string>{"config.json: .linux.resources.memory.disableOOMKiller: cgroup v2 "
                                               "cannot disable the OOM killer; ignored"});
    CHECK(t.read(d + "/memory.max") == "67108864");
    CHECK(t.read(d + "/memory.swap.max") == "67108864");
    CHECK(t.read(d + "/pids.max") == "32");
    // Written at every level above the container: "+memory", then "+pids" over it (a plain
    // file, not truncated as cgroupfs needs no truncation).
    CHECK(t.read(t.root + "/cgroup.subtree_control") == "+pidsry");
    CHECK(t.read(t.root + "/berth/cgroup.subtree_control") == "+pidsry");
    CHECK_FALSE(path_exists(d + "/cgroup.subtree_control"));  // the container's own level is left alone

    spec::Resources c;
    c.cpu.emplace().quota = 50000;
    CHECK(error_of([&] { m->apply_resources(c); }) ==
          "config.json: .linux.resources.cpu.quota: " + d + "/cpu.max: no such file");
}

TEST_CASE("blockIO writes on v1 and v2", "[resources]")
{
    spec::BlockIO b;
    b.weight = 500;
    b.weight_device.push_back({8, 0, 300, std::nullopt});
    b.throttle_read_bps_device.push_back({8, 0, 1048576});
    b.throttle_write_iops_device.push_back({8, 16, 0});
    const std::string p = ".linux.resources.blockIO.";
    CHECK(blockio_v1(b, false) == std::vector<Write>{
                                      {p + "weight", "blkio.weight", "500"},
                                      {p + "weightDevice[0]", "blkio.weight_device", "8:0 300"},
                                      {p + "throttleReadBpsDevice[0]", "blkio.throttle.read_bps_device", "8:0 1048576"},
                                      {p + "throttleWriteIOPSDevice[0]", "blkio.throttle.write_iops_device", "8:16 0"},
                                  });
    CHECK(blockio_v1(b, true).front() == Write{p + "weight", "blkio.bfq.weight", "500"});
    std::vector<std::string> warnings;
    CHECK(blockio_v2(b, false, warnings) == std::vector<Write>{
                                                {p + "weight", "io.weight", "default 4950"},
                                                {p + "weightDevice[0]", "io.weight", "8:0 2930"},
                                                {p + "throttleReadBpsDevice[0]", "io.max", "8:0 rbps=1048576"},
                                                {p + "throttleWriteIOPSDevice[0]", "io.max", "8:16 wiops=max"},
                                            });
    CHECK(warnings.empty());
    CHECK(blkio_weight_to_io_weight(10) == 1);
    CHECK(blkio_weight_to_io_weight(1000) == 10000);
    CHECK(blkio_weight_to_io_weight(0) == 0);
    spec::BlockIO bad;
    bad.weight = 5;
    CHECK(error_of([&] { blockio_v1(bad, false); }) ==
          "config.json: .linux.resources.blockIO.weight: 5 is out of range (10-1000)");
    spec::BlockIO leaf;
    leaf.leaf_weight = 100;
    CHECK(blockio_v2(leaf, false, warnings).empty());
    CHECK(warnings.size() == 1);
}

TEST_CASE("hugetlb, network, rdma and unified writes", "[resources]")
{
    std::vector<spec::HugepageLimit> h{{"2MB", 4194304}};
    CHECK(hugetlb_writes(h, false) ==
          std::vector<Write>{{".linux.resources.hugepageLimits[0].limit", "hugetlb.2MB.limit_in_bytes", "4194304"},
                             {".linux.resources.hugepageLimits[0].limit", "hugetlb.2MB.rsvd.limit_in_bytes", "4194304", true}});
    CHECK(hugetlb_writes(h, true).front().file == "hugetlb.2MB.max");
    CHECK_THROWS(hugetlb_writes({{"../x", 1}}, true));
    spec::Network n;
    n.class_id = 0x100001;
    n.priorities.push_back({"eth0", 5});
    CHECK(net_cls_writes(n) == std::vector<Write>{{".linux.resources.network.classID", "net_cls.classid", "1048577"}});
    CHECK(net_prio_writes(n) ==
          std::vector<Write>{{".linux.resources.network.priorities[0]", "net_prio.ifpriomap", "eth0 5"}});
    std::map<std::string, spec::Rdma> rdma{{"mlx4_0", {2, std::nullopt}}, {"idle", {}}};
    CHECK(rdma_writes(rdma) == std::vector<Write>{{".linux.resources.rdma.mlx4_0", "rdma.max", "mlx4_0 hca_handle=2"}});
    std::map<std::string, std::string> u{{"memory.high", "1000000"}};
    CHECK(unified_writes(u) == std::vector<Write>{{".linux.resources.unified[\"memory.high\"]", "memory.high", "1000000"}});
    CHECK(error_of([] { unified_writes({{"cgroup.procs", "1"}}); }) ==
          "config.json: .linux.resources.unified[\"cgroup.procs\"]: not a cgroup v2 interface file berth may write");
    CHECK_THROWS(unified_writes({{"../../etc/x", "1"}}));
}

TEST_CASE("apply_resources: hugetlb only in the unified tree of a hybrid host, network needs v1", "[resources]")
{
    FakeTree t;
    std::string memd = t.dir("memory/berth/c1", {"memory.limit_in_bytes"});
    t.dir("unified", {"cgroup.subtree_control"});
    t.dir("unified/berth", {"cgroup.subtree_control"});
    std::string ud = t.dir("unified/berth/c1", {"hugetlb.2MB.max"});
    V1 v1({{t.root + "/memory", {"memory"}, memd}});
    auto m = make_fs_manager(Mode::hybrid, v1, V2(t.root + "/unified", ud));
    spec::Resources r;
    r.hugepage_limits.push_back({"2MB", 2097152});
    CHECK(m->apply_resources(r).empty());
    CHECK(t.read(ud + "/hugetlb.2MB.max") == "2097152");
    CHECK_FALSE(path_exists(ud + "/hugetlb.2MB.rsvd.max"));  // older kernels: skipped
    spec::Resources n;
    n.network.emplace().class_id = 1;
    CHECK(error_of([&] { m->apply_resources(n); }) ==
          "config.json: .linux.resources.network.classID: no net_cls controller is mounted (a cgroup v1 "
          "controller; cgroup v2 has none)");
    spec::Resources u;
    u.unified.emplace("memory.high", "1");
    std::string want = "config.json: .linux.resources.unified[\"memory.high\"]: ";
    want.append(ud).append("/memory.high: no such file");
    CHECK(error_of([&] { m->apply_resources(u); }) == want);
}

TEST_CASE("memory.useHierarchy: memory.use_hierarchy on v1, nothing to do on v2", "[resources]")
{
    std::vector<std::string> warnings;
    spec::Memory m;
    m.use_hierarchy = true;
    CHECK(memory_v1(m, std::nullopt, warnings) ==
          std::vector<Write>{{mf("useHierarchy"), "memory.use_hierarchy", "1"}});
    m.use_hierarchy = false;
    CHECK(memory_v1(m, std::nullopt, warnings) ==
          std::vector<Write>{{mf("useHierarchy"), "memory.use_hierarchy", "0"}});
    CHECK(warnings.empty());
    CHECK(memory_v1(spec::Memory{}, std::nullopt, warnings).empty());

    m.use_hierarchy = true;
    CHECK(memory_v2(m, warnings).empty());
    CHECK(warnings.empty());  // v2 is hierarchical: asked for, and done
    m.use_hierarchy = false;
    CHECK(memory_v2(m, warnings).empty());
    CHECK(warnings == std::vector<std::string>{"config.json: " + mf("useHierarchy") +
                                               ": cgroup v2 memory accounting is always hierarchical; ignored"});
}

TEST_CASE("memory.checkBeforeUpdate refuses limits not above the current usage", "[resources]")
{
    spec::Memory m;
    m.limit = 1000;
    CHECK_NOTHROW(check_memory_usage(m, 5000));  // not asked for
    m.check_before_update = false;
    CHECK_NOTHROW(check_memory_usage(m, 5000));
    m.check_before_update = true;
    CHECK_NOTHROW(check_memory_usage(m, 999));
    CHECK(error_of([&] { check_memory_usage(m, 1000); }) ==
          "config.json: " + mf("limit") +
              ": 1000 is not above the cgroup's current memory usage (1000 bytes); refused as "
              ".linux.resources.memory.checkBeforeUpdate asks");
    m.limit = -1;  // no limit: nothing to refuse
    CHECK_NOTHROW(check_memory_usage(m, 5000));
    m.limit = 8000;
    m.swap = 4000;  // memory+swap, as runc compares it
    CHECK(error_of([&] { check_memory_usage(m, 5000); }).starts_with("config.json: " + mf("swap") + ": 4000 "));
    m.swap = -1;
    CHECK_NOTHROW(check_memory_usage(m, 5000));
}

TEST_CASE("apply_resources on a fake v2 tree: checkBeforeUpdate reads memory.current", "[resources]")
{
    FakeTree t;
    t.dir("", {"cgroup.subtree_control"});
    std::string d = t.dir("c1", {"memory.max", "memory.swap.max"});
    auto m = make_fs_manager(Mode::unified, std::nullopt, V2(t.root, d));
    spec::Resources r;
    r.memory.emplace().limit = 64 << 20;
    r.memory->check_before_update = true;
    CHECK(m->apply_resources(r).empty());  // no memory.current yet: best effort, as runc
    CHECK(t.read(d + "/memory.max") == "67108864");

    write_file_atomic(d + "/memory.current", "120000000\n");
    r.memory->limit = 32 << 20;
    CHECK(error_of([&] { m->apply_resources(r); }).starts_with("config.json: " + mf("limit") + ": 33554432 is not above"));
    CHECK(t.read(d + "/memory.max") == "67108864");  // refused before any write
    r.memory->limit = 128 << 20;
    CHECK(m->apply_resources(r).empty());
    CHECK(t.read(d + "/memory.max") == "134217728");
    r.memory->check_before_update = false;  // the same file, a plain one here: same length of value
    r.memory->limit = 96 << 20;
    CHECK(m->apply_resources(r).empty());
    CHECK(t.read(d + "/memory.max") == "100663296");
}
