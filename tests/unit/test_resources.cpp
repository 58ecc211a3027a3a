// linux.resources as cgroup file writes: the conversions, the writes per field on v1 and v2,
// and a manager applying them to a fake cgroup tree (plain files in a temp dir, no root).
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "berth/cgroups/backends.hpp"
#include "berth/cgroups/resources.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"

using namespace berth;
using namespace berth::cgroups;

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

std::string error_of(const std::function<void()>& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

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
    CHECK_FALSE(applied_resource_field(".linux.resources.memory.useHierarchy"));
    CHECK_FALSE(applied_resource_field(".linux.resources.blockIO.weight"));
    CHECK_FALSE(applied_resource_field(".linux.resources.unified.memory.high"));
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
