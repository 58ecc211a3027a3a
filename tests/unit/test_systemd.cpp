// The systemd driver's pure half: cgroupsPath to unit and slice, resources and device rules to
// unit properties (v1 and v2 flavours), and the manager's state round trip. No systemd needed.
#include <catch2/catch.hpp>
#include <limits>
#include <string>

#include "berth/cgroups/backends.hpp"
#include "berth/cgroups/systemd_units.hpp"
#include "berth/util/error.hpp"
#include "support.hpp"

using namespace berth;
using namespace berth::cgroups;
using namespace berth::cgroups::systemd;
using nlohmann::json;

using berth::test::error_of;

namespace {

constexpr uint64_t inf = std::numeric_limits<uint64_t>::max();

// name -> value of the properties, for lookups; the list itself is checked where order matters.
json by_name(const std::vector<Property>& props)
{
    json out = json::object();
    for (const auto& p : props) {
        CHECK_FALSE(out.contains(p.name));
        out[p.name] = {p.signature, p.value};
    }
    return out;
}

}  // namespace

TEST_CASE("systemd: slice expansion", "[systemd]")
{
    CHECK(expand_slice("system.slice") == "/system.slice");
    CHECK(expand_slice("a-b.slice") == "/a.slice/a-b.slice");
    CHECK(expand_slice("machine-pod_1-x.slice") == "/machine.slice/machine-pod_1.slice/machine-pod_1-x.slice");
    CHECK(expand_slice("-.slice") == "");
    CHECK(error_of([] { expand_slice("system"); }) == "slice \"system\" is not a slice name (name.slice)");
    CHECK(error_of([] { expand_slice(".slice"); }) == "slice \".slice\" is not a slice name (name.slice)");
    CHECK(error_of([] { expand_slice("a--b.slice"); }) == "slice \"a--b.slice\" has an empty part between dashes");
    CHECK(error_of([] { expand_slice("-a.slice"); }) == "slice \"-a.slice\" has an empty part between dashes");
    CHECK(error_of([] { expand_slice("a-.slice"); }) == "slice \"a-.slice\" has an empty part between dashes");
    CHECK(error_of([] { expand_slice("a/b.slice"); }) ==
          "slice \"a/b.slice\" has characters systemd does not allow in unit names");
}

TEST_CASE("systemd: cgroupsPath slice:prefix:name", "[systemd]")
{
    auto u = parse_unit("", "c1");
    CHECK(u.slice == "system.slice");
    CHECK(u.name == "berth-c1.scope");
    CHECK(u.cgroup() == "/system.slice/berth-c1.scope");

    u = parse_unit("machine-pod.slice:crio:abc", "c1");
    CHECK(u.slice == "machine-pod.slice");
    CHECK(u.name == "crio-abc.scope");
    CHECK(u.cgroup() == "/machine.slice/machine-pod.slice/crio-abc.scope");

    u = parse_unit(":docker:abc", "c1");  // empty slice: system.slice, as runc
    CHECK(u.cgroup() == "/system.slice/docker-abc.scope");
    u = parse_unit("-.slice::abc", "c1");  // root slice, no prefix
    CHECK(u.name == "abc.scope");
    CHECK(u.cgroup() == "/abc.scope");

    const std::string f = "config.json: .linux.cgroupsPath: ";
    CHECK(error_of([] { parse_unit("/berth/c1", "c1"); }) ==
          f + "\"/berth/c1\" is not of the form slice:prefix:name (the systemd cgroup driver's)");
    CHECK(error_of([] { parse_unit("a:b:c:d", "c1"); }) ==
          f + "\"a:b:c:d\" is not of the form slice:prefix:name (the systemd cgroup driver's)");
    CHECK(error_of([] { parse_unit("system.slice:berth:", "c1"); }) == f + "\"system.slice:berth:\" has no name");
    CHECK(error_of([] { parse_unit("system:berth:c1", "c1"); }) ==
          f + "\"system:berth:c1\" slice \"system\" is not a slice name (name.slice)");
    CHECK(error_of([] { parse_unit("system.slice:berth:x.slice", "c1"); }) ==
          f + "\"system.slice:berth:x.slice\" names a slice; berth puts containers in scopes only");
    CHECK(error_of([] { parse_unit("system.slice:b/x:c", "c1"); }) ==
          f + "\"system.slice:b/x:c\" gives the unit name \"b/x-c.scope\", which systemd does not accept");
    CHECK(error_of([] { parse_unit("system.slice:berth:" + std::string(300, 'a'), "c1"); }).find("which systemd does not accept") !=
          std::string::npos);
}

TEST_CASE("systemd: base properties", "[systemd]")
{
    auto u = parse_unit("", "c1");
    auto v2 = base_properties(u, "c1", 42, Flavour::v2);
    REQUIRE(v2.size() == 9);
    CHECK(v2[0] == Property{"Slice", "s", "system.slice"});
    CHECK(v2[1] == Property{"Description", "s", "berth container c1"});
    auto p = by_name(v2);
    CHECK(p["Delegate"] == json({"b", true}));
    CHECK(p["DefaultDependencies"] == json({"b", false}));
    CHECK(p["IOAccounting"] == json({"b", true}));
    CHECK(p["TasksAccounting"] == json({"b", true}));
    CHECK(p["PIDs"] == json({"au", {42}}));
    auto v1 = by_name(base_properties(u, "c1", 0, Flavour::v1));
    CHECK(v1.contains("BlockIOAccounting"));
    CHECK_FALSE(v1.contains("IOAccounting"));
    CHECK_FALSE(v1.contains("PIDs"));  // no process yet: none sent
}

TEST_CASE("systemd: memory, cpu and pids as v2 properties", "[systemd]")
{
    spec::Resources r;
    r.memory = spec::Memory{};
    r.memory->limit = 100 << 20;
    r.memory->reservation = 50 << 20;
    r.memory->swap = 300 << 20;
    r.memory->swappiness = 10;  // no property: left to the cgroupfs manager
    r.cpu = spec::Cpu{};
    r.cpu->shares = 1024;
    r.cpu->quota = 50000;
    r.cpu->period = 100000;
    r.cpu->cpus = "0-2,9";
    r.cpu->mems = "0";
    r.cpu->burst = 1000;
    r.pids = spec::Pids{100};
    r.hugepage_limits.push_back({"2MB", 4096});

    auto t = translate_resources(r, Flavour::v2);
    auto p = by_name(t.properties);
    CHECK(p.size() == 9);
    CHECK(p["MemoryMax"] == json({"t", 100 << 20}));
    CHECK(p["MemoryLow"] == json({"t", 50 << 20}));
    CHECK(p["MemorySwapMax"] == json({"t", 200 << 20}));  // memory+swap minus memory
    CHECK(p["CPUWeight"] == json({"t", 100}));            // 1024 shares: the default weight
    CHECK(p["CPUQuotaPeriodUSec"] == json({"t", 100000}));
    CHECK(p["CPUQuotaPerSecUSec"] == json({"t", 500000}));
    CHECK(p["AllowedCPUs"] == json({"ay", {0x07, 0x02}}));
    CHECK(p["AllowedMemoryNodes"] == json({"ay", {0x01}}));
    CHECK(p["TasksMax"] == json({"t", 100}));

    // What systemd cannot say stays for the cgroupfs manager; what it can is gone from there.
    REQUIRE(t.rest.memory);
    CHECK_FALSE(t.rest.memory->limit);
    CHECK_FALSE(t.rest.memory->reservation);
    CHECK_FALSE(t.rest.memory->swap);
    CHECK(t.rest.memory->swappiness == 10u);
    REQUIRE(t.rest.cpu);
    CHECK_FALSE(t.rest.cpu->shares);
    CHECK_FALSE(t.rest.cpu->quota);
    CHECK_FALSE(t.rest.cpu->period);
    CHECK(t.rest.cpu->cpus.empty());
    CHECK(t.rest.cpu->mems.empty());
    CHECK(t.rest.cpu->burst == 1000u);
    CHECK_FALSE(t.rest.pids);
    CHECK(t.rest.hugepage_limits.size() == 1);
}

TEST_CASE("systemd: v1 flavour", "[systemd]")
{
    spec::Resources r;
    r.memory = spec::Memory{};
    r.memory->limit = 1 << 30;
    r.cpu = spec::Cpu{};
    r.cpu->shares = 512;
    r.cpu->quota = 20000;
    r.cpu->cpus = "1";
    r.pids = spec::Pids{-1};

    auto t = translate_resources(r, Flavour::v1);
    auto p = by_name(t.properties);
    CHECK(p.size() == 4);
    CHECK(p["MemoryLimit"] == json({"t", 1 << 30}));
    CHECK(p["CPUShares"] == json({"t", 512}));
    CHECK(p["CPUQuotaPerSecUSec"] == json({"t", 200000}));  // 20 ms per default 100 ms period
    CHECK(p["TasksMax"] == json({"t", inf}));
    CHECK_FALSE(p.contains("AllowedCPUs"));  // systemd has no cpuset on v1: cgroupfs writes it
    CHECK(t.rest.cpu->cpus == "1");
    CHECK_FALSE(t.rest.memory->limit);

    // With memsw set the limit stays for cgroupfs too, which orders the two writes.
    r.memory->swap = 2 << 30;
    t = translate_resources(r, Flavour::v1);
    CHECK(t.rest.memory->limit == (1 << 30));
    CHECK(t.rest.memory->swap == (2 << 30));
    CHECK(by_name(t.properties)["MemoryLimit"] == json({"t", 1 << 30}));
}

TEST_CASE("systemd: quota rounding, unlimited values and errors", "[systemd]")
{
    auto quota = [](std::optional<int64_t> q, std::optional<uint64_t> period) {
        spec::Resources r;
        r.cpu = spec::Cpu{};
        r.cpu->quota = q;
        r.cpu->period = period;
        return by_name(translate_resources(r, Flavour::v2).properties);
    };
    // 12345 us per 100 ms is 123450 us/s: systemd's 10 ms steps round it up.
    CHECK(quota(12345, std::nullopt)["CPUQuotaPerSecUSec"] == json({"t", 130000}));
    CHECK_FALSE(quota(12345, std::nullopt).contains("CPUQuotaPeriodUSec"));
    CHECK(quota(50000, 50000)["CPUQuotaPerSecUSec"] == json({"t", 1000000}));
    CHECK(quota(-1, std::nullopt)["CPUQuotaPerSecUSec"] == json({"t", inf}));
    CHECK(quota(std::nullopt, 200000)["CPUQuotaPerSecUSec"] == json({"t", inf}));  // period alone: as runc
    CHECK(quota(std::nullopt, 200000)["CPUQuotaPeriodUSec"] == json({"t", 200000}));
    CHECK(quota(std::nullopt, std::nullopt).empty());

    spec::Resources r;
    r.memory = spec::Memory{};
    r.memory->limit = -1;
    auto p = by_name(translate_resources(r, Flavour::v2).properties);
    CHECK(p["MemoryMax"] == json({"t", inf}));
    CHECK(p["MemorySwapMax"] == json({"t", inf}));
    r.memory->limit = 0;  // unset: no property
    CHECK(translate_resources(r, Flavour::v2).properties.empty());
    r.pids = spec::Pids{0};
    CHECK(translate_resources(r, Flavour::v2).properties.empty());

    r.memory->limit = -5;
    CHECK(error_of([&] { translate_resources(r, Flavour::v2); }) ==
          "config.json: .linux.resources.memory.limit: invalid value -5");
    r.memory->limit = 100;
    r.memory->swap = 50;
    CHECK(error_of([&] { translate_resources(r, Flavour::v2); }).find("config.json: .linux.resources.memory.swap: ") == 0);
    r.memory.reset();
    r.cpu = spec::Cpu{};
    r.cpu->cpus = "0-";
    CHECK(error_of([&] { translate_resources(r, Flavour::v2); }) ==
          "config.json: .linux.resources.cpu.cpus: invalid list \"0-\"");
    r.cpu->cpus = "3-1";
    CHECK(error_of([&] { translate_resources(r, Flavour::v2); }) ==
          "config.json: .linux.resources.cpu.cpus: invalid list \"3-1\"");
    r.cpu->cpus = "1,";
    CHECK_THROWS(translate_resources(r, Flavour::v2));
    r.cpu->cpus = "99999";
    CHECK_THROWS(translate_resources(r, Flavour::v2));
    r.cpu->cpus = "";
    r.cpu->mems = "x";
    CHECK(error_of([&] { translate_resources(r, Flavour::v2); }) ==
          "config.json: .linux.resources.cpu.mems: invalid list \"x\"");
}

TEST_CASE("systemd: cpu masks", "[systemd]")
{
    CHECK(cpu_mask("0", "f") == std::vector<uint8_t>{0x01});
    CHECK(cpu_mask("7", "f") == std::vector<uint8_t>{0x80});
    CHECK(cpu_mask("8", "f") == std::vector<uint8_t>{0x00, 0x01});
    CHECK(cpu_mask("0-3,5", "f") == std::vector<uint8_t>{0x2f});
    CHECK(cpu_mask("1,1,1", "f") == std::vector<uint8_t>{0x02});
    CHECK_THROWS(cpu_mask("", "f"));
    CHECK_THROWS(cpu_mask("-1", "f"));
    CHECK_THROWS(cpu_mask("a-b", "f"));
}

TEST_CASE("systemd: device rules as DevicePolicy and DeviceAllow", "[systemd]")
{
    auto devs = [](std::vector<DeviceRule> rules) { return by_name(device_properties(rules)); };
    DeviceRule deny_all{'a', -1, -1, "rwm", false};
    DeviceRule allow_all{'a', -1, -1, "rwm", true};

    // runc's defaults after a deny-all: an allow list, wildcards as char-* / block-*.
    auto rules = default_device_rules();
    rules.insert(rules.begin(), deny_all);
    auto p = devs(rules);
    CHECK(p["DevicePolicy"] == json({"s", "strict"}));
    const json& allow = p["DeviceAllow"][1];
    CHECK(p["DeviceAllow"][0] == "a(ss)");
    CHECK(std::find(allow.begin(), allow.end(), json({"/dev/char/1:3", "rwm"})) != allow.end());
    CHECK(std::find(allow.begin(), allow.end(), json({"char-*", "m"})) != allow.end());
    CHECK(std::find(allow.begin(), allow.end(), json({"block-*", "m"})) != allow.end());

    // Allow-all, also after earlier rules: no list.
    CHECK(devs({deny_all, {'c', 1, 3, "rw", true}, allow_all}) ==
          json({{"DevicePolicy", {"s", "auto"}}, {"DeviceAllow", {"a(ss)", json::array()}}}));
    // A deny cannot be said to systemd: the list stays as wide as the allows (berth's own
    // rules narrow it); a later deny-all starts over.
    CHECK(devs({deny_all, {'c', 1, 3, "rwm", true}, {'c', 1, 3, "w", false}})["DeviceAllow"] ==
          json({"a(ss)", json::array({json::array({"/dev/char/1:3", "rwm"})})}));
    CHECK(devs({{'c', 1, 3, "rwm", true}, deny_all, {'b', 8, 0, "r", true}})["DeviceAllow"] ==
          json({"a(ss)", json::array({json::array({"/dev/block/8:0", "r"})})}));
    // "c 10:*" needs /proc/devices for systemd's name: the wider char-* instead; 'a' is both kinds.
    CHECK(devs({deny_all, {'c', 10, -1, "rw", true}, {'a', 5, 1, "wrm", true}})["DeviceAllow"] ==
          json({"a(ss)", json::array({json::array({"char-*", "rw"}), json::array({"/dev/char/5:1", "rwm"}),
                                         json::array({"/dev/block/5:1", "rwm"})})}));
    // No rules at all: nothing allowed (the v2 default), access letters systemd lacks dropped.
    CHECK(devs({})["DevicePolicy"] == json({"s", "strict"}));
    CHECK(devs({{'c', 1, 5, "x", true}})["DeviceAllow"] == json({"a(ss)", json::array()}));
}

TEST_CASE("systemd: manager state round trip", "[systemd]")
{
    SystemdUnitState s;
    s.unit = parse_unit("machine.slice:berth:c1", "c1");
    s.id = "c1";
    s.flavour = Flavour::v1;
    s.helper = "/usr/libexec/berth/berth-systemd";
    V2 v2("/sys/fs/cgroup", "/sys/fs/cgroup/machine.slice/berth-c1.scope");
    auto m = make_systemd_manager(make_fs_manager(Mode::unified, std::nullopt, v2), s);
    CHECK(m->created_with_init());
    auto j = m->to_json();
    CHECK(j["systemd"] == json({{"unit", "berth-c1.scope"},
                                {"slice", "machine.slice"},
                                {"id", "c1"},
                                {"flavour", "v1"},
                                {"helper", "/usr/libexec/berth/berth-systemd"}}));
    auto again = load_manager(json::parse(j.dump()));
    CHECK(again->to_json() == j);
    CHECK(again->describe() == "systemd unit berth-c1.scope (cgroup /machine.slice/berth-c1.scope)");
    REQUIRE(again->hierarchies().size() == 1);
    CHECK(again->hierarchies()[0].host_path == "/sys/fs/cgroup/machine.slice/berth-c1.scope");

    j["systemd"]["flavour"] = "v3";
    CHECK(error_of([&] { load_manager(j); }) == "invalid cgroup state: .systemd.flavour: unknown flavour \"v3\"");
    j["systemd"].erase("flavour");
    CHECK(error_of([&] { load_manager(j); }).find(".systemd.flavour") != std::string::npos);
}

TEST_CASE("systemd: make_manager rejects a bad cgroupsPath before touching the host", "[systemd]")
{
    Options o{"c1", "/berth/c1", false};
    o.systemd = true;
    CHECK(error_of([&] { make_manager(o); }) ==
          "config.json: .linux.cgroupsPath: \"/berth/c1\" is not of the form slice:prefix:name (the systemd cgroup "
          "driver's)");
}
