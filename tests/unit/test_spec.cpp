#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>

#include <catch2/catch.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "berth/linux/capabilities.hpp"
#include "berth/spec/config.hpp"
#include "berth/spec/default_spec.hpp"
#include "berth/spec/parse.hpp"
#include "berth/spec/resources_fields.hpp"
#include "berth/spec/validate.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"

using nlohmann::json;
namespace spec = berth::spec;

namespace {

// A small valid config; bad cases are one mutation away from it.
json minimal()
{
    return json::parse(R"({
        "ociVersion": "1.2.0",
        "root": {"path": "rootfs"},
        "process": {"args": ["sh"], "cwd": "/"},
        "hostname": "h",
        "mounts": [
            {"destination": "/proc", "type": "proc", "source": "proc"},
            {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755"]}
        ],
        "linux": {"namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"},
                                 {"type": "uts"}, {"type": "mount"}]}
    })");
}

std::string parse_error(std::string_view text, std::string_view source = "config.json")
{
    try {
        spec::parse_config(text, source);
    } catch (const berth::Error& e) {
        return e.what();
    }
    return "<no error>";
}

std::string parse_error_json(const json& j) { return parse_error(j.dump()); }

json with(const std::function<void(json&)>& mutate)
{
    json j = minimal();
    mutate(j);
    return j;
}

struct BadCase {
    const char* name;
    std::function<void(json&)> mutate;
    const char* message;
};

}  // namespace

TEST_CASE("spec: minimal config parses", "[spec]")
{
    spec::Config c = spec::parse_config(minimal().dump());
    CHECK(c.oci_version == "1.2.0");
    CHECK(c.root.path == "rootfs");
    CHECK_FALSE(c.root.readonly);
    REQUIRE(c.process);
    CHECK(c.process->args == std::vector<std::string>{"sh"});
    CHECK(c.process->cwd == "/");
    CHECK(c.process->user.uid == 0);
    CHECK_FALSE(c.process->capabilities);
    CHECK_FALSE(c.process->oom_score_adj);
    CHECK(c.hostname == "h");
    REQUIRE(c.mounts.size() == 2);
    CHECK(c.mounts[0].options.empty());
    CHECK(c.mounts[1].options == std::vector<std::string>{"nosuid", "mode=755"});
    CHECK_FALSE(c.hooks);
    REQUIRE(c.linux);
    REQUIRE(c.linux->namespaces.size() == 5);
    CHECK(c.linux->namespaces[1].type == spec::NamespaceType::network);
    CHECK(c.linux->namespaces[1].path.empty());
    CHECK_FALSE(c.linux->resources);
    CHECK_FALSE(c.linux->seccomp);
}

TEST_CASE("spec: full config parses every section", "[spec]")
{
    const char* text = R"({
        "ociVersion": "1.0.2-dev",
        "root": {"path": "/bundle/rootfs", "readonly": true},
        "process": {
            "terminal": true, "consoleSize": {"height": 24, "width": 80},
            "user": {"uid": 1000, "gid": 1001, "umask": 18, "additionalGids": [5, 4294967295]},
            "args": ["/bin/app", "-x"], "env": ["PATH=/bin", "EMPTY="], "cwd": "/work",
            "capabilities": {"bounding": ["CAP_KILL", "CAP_CHECKPOINT_RESTORE"], "ambient": ["CAP_CHOWN"]},
            "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 4096, "soft": 1024},
                        {"type": "RLIMIT_CORE", "hard": 18446744073709551615, "soft": 0}],
            "noNewPrivileges": true, "oomScoreAdj": -500, "apparmorProfile": "p", "selinuxLabel": "l",
            "scheduler": {"policy": "SCHED_BATCH", "nice": -5},
            "ioPriority": {"class": "IOPRIO_CLASS_BE", "priority": 3},
            "execCPUAffinity": {"initial": "0", "final": "0-3"},
            "someFutureField": {"x": [1, 2, 3]}
        },
        "hostname": "box", "domainname": "example.org",
        "mounts": [{"destination": "/data", "source": "/srv", "options": ["rbind", "ro"],
                    "uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}]}],
        "hooks": {"prestart": [{"path": "/bin/hook", "args": ["hook", "pre"], "timeout": 5}],
                  "createRuntime": [{"path": "/bin/a"}, {"path": "/bin/b", "env": ["A=1"]}],
                  "poststop": null},
        "annotations": {"org.example.key": "value"},
        "linux": {
            "namespaces": [{"type": "pid"}, {"type": "network", "path": "/proc/1/ns/net"},
                           {"type": "uts"}, {"type": "user"}, {"type": "mount"}, {"type": "cgroup"},
                           {"type": "ipc"}, {"type": "time"}],
            "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}],
            "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}],
            "timeOffsets": {"monotonic": {"secs": -10, "nanosecs": 5}},
            "sysctl": {"net.ipv4.ip_forward": "1", "kernel.shmmax": "100", "kernel.domainname": "d"},
            "devices": [{"type": "c", "path": "/dev/fuse", "major": 10, "minor": 229, "fileMode": 438, "uid": 0}],
            "cgroupsPath": "/berth/c1",
            "resources": {
                "devices": [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 10, "minor": 229, "access": "rw"}],
                "memory": {"limit": 536870912, "swap": -1, "disableOOMKiller": false},
                "cpu": {"shares": 512, "quota": 50000, "cpus": "0-1"},
                "pids": {"limit": 100},
                "blockIO": {"weight": 500, "throttleReadBpsDevice": [{"major": 8, "minor": 0, "rate": 1048576}]},
                "hugepageLimits": [{"pageSize": "2MB", "limit": 209715200}],
                "network": {"classID": 1048577, "priorities": [{"name": "eth0", "priority": 5}]},
                "rdma": {"mlx5_1": {"hcaHandles": 3}},
                "unified": {"memory.high": "max"}
            },
            "seccomp": {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1, "architectures": ["SCMP_ARCH_X86_64"],
                        "flags": ["SECCOMP_FILTER_FLAG_LOG"], "listenerPath": "/run/l.sock",
                        "syscalls": [{"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
                                     {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
                                      "args": [{"index": 0, "value": 8, "valueTwo": 0, "op": "SCMP_CMP_EQ"}]}]},
            "rootfsPropagation": "rslave",
            "maskedPaths": ["/proc/kcore"], "readonlyPaths": ["/proc/sys"],
            "mountLabel": "system_u:object_r:container_file_t:s0",
            "intelRdt": {"closID": "guaranteed", "l3CacheSchema": "L3:0=7f0", "enableCMT": true},
            "personality": {"domain": "LINUX32"},
            "netDevices": {"eth1": {"name": "net0"}},
            "memoryPolicy": {"mode": "MPOL_BIND", "nodes": "0-1"}
        }
    })";
    spec::Config c = spec::parse_config(text);
    CHECK(c.root.readonly);
    const spec::Process& p = *c.process;
    CHECK(p.terminal);
    REQUIRE(p.console_size);
    CHECK(p.console_size->width == 80);
    CHECK(p.user.uid == 1000);
    CHECK(p.user.gid == 1001);
    CHECK(p.user.umask == 18u);
    CHECK(p.user.additional_gids == std::vector<uint32_t>{5, 4294967295u});
    REQUIRE(p.capabilities);
    CHECK(p.capabilities->bounding == std::vector<std::string>{"CAP_KILL", "CAP_CHECKPOINT_RESTORE"});
    CHECK(p.capabilities->effective.empty());
    CHECK(p.capabilities->ambient == std::vector<std::string>{"CAP_CHOWN"});
    REQUIRE(p.rlimits.size() == 2);
    CHECK(p.rlimits[0].type == "RLIMIT_NOFILE");
    CHECK(p.rlimits[0].hard == 4096);
    CHECK(p.rlimits[0].soft == 1024);
    CHECK(p.rlimits[1].hard == UINT64_MAX);
    CHECK(p.no_new_privileges);
    CHECK(p.oom_score_adj == -500);
    CHECK(p.scheduler->policy == "SCHED_BATCH");
    CHECK(p.scheduler->nice == -5);
    CHECK(p.io_priority->class_ == "IOPRIO_CLASS_BE");
    CHECK(p.io_priority->priority == 3);
    CHECK(p.exec_cpu_affinity->final == "0-3");
    CHECK(c.domainname == "example.org");
    CHECK(c.mounts[0].type.empty());
    REQUIRE(c.mounts[0].uid_mappings.size() == 1);
    CHECK(c.mounts[0].uid_mappings[0].host_id == 100000);
    REQUIRE(c.hooks);
    REQUIRE(c.hooks->prestart.size() == 1);
    CHECK(c.hooks->prestart[0].args == std::vector<std::string>{"hook", "pre"});
    CHECK(c.hooks->prestart[0].timeout == 5);
    CHECK(c.hooks->create_runtime.size() == 2);
    CHECK_FALSE(c.hooks->create_runtime[0].timeout);
    CHECK_FALSE(c.hooks->create_runtime[0].env);  // absent, not empty: the hook inherits the environment
    CHECK(c.hooks->create_runtime[1].env == std::vector<std::string>{"A=1"});
    CHECK(c.hooks->poststop.empty());
    CHECK(c.annotations.at("org.example.key") == "value");

    const spec::Linux& l = *c.linux;
    CHECK(l.namespaces[1].path == "/proc/1/ns/net");
    CHECK(l.namespaces[7].type == spec::NamespaceType::time);
    CHECK(l.uid_mappings[0].host_id == 1000);
    CHECK(l.time_offsets.at("monotonic").secs == -10);
    CHECK(l.sysctl.size() == 3);
    CHECK(l.devices[0].file_mode == 0666u);
    CHECK(l.devices[0].uid == 0u);
    CHECK_FALSE(l.devices[0].gid);
    CHECK(l.cgroups_path == "/berth/c1");

    REQUIRE(l.resources);
    const spec::Resources& r = *l.resources;
    REQUIRE(r.devices.size() == 2);
    CHECK_FALSE(r.devices[0].allow);
    CHECK_FALSE(r.devices[0].major);
    CHECK(r.devices[1].major == 10);
    CHECK(r.memory->limit == 536870912);
    CHECK(r.memory->swap == -1);
    CHECK_FALSE(r.memory->reservation);
    CHECK(r.memory->disable_oom_killer == false);  // set, to false
    CHECK_FALSE(r.memory->use_hierarchy);
    CHECK(r.cpu->shares == 512u);
    CHECK(r.cpu->quota == 50000);
    CHECK_FALSE(r.cpu->period);
    CHECK(r.cpu->cpus == "0-1");
    CHECK(r.pids->limit == 100);
    CHECK(r.block_io->weight == 500);
    CHECK(r.block_io->throttle_read_bps_device[0].rate == 1048576u);
    CHECK(r.hugepage_limits[0].page_size == "2MB");
    CHECK(r.network->class_id == 1048577u);
    CHECK(r.network->priorities[0].name == "eth0");
    CHECK(r.rdma.at("mlx5_1").hca_handles == 3u);
    CHECK_FALSE(r.rdma.at("mlx5_1").hca_objects);
    CHECK(r.unified.at("memory.high") == "max");

    REQUIRE(l.seccomp);
    spec::Seccomp s = spec::parse_seccomp(l.seccomp->view());
    CHECK(s.default_action == "SCMP_ACT_ERRNO");
    CHECK(s.default_errno_ret == 1u);
    CHECK(s.syscalls[0].names == std::vector<std::string>{"read", "write"});
    CHECK_FALSE(s.syscalls[0].errno_ret);
    CHECK(s.syscalls[1].args[0].value == 8u);
    CHECK(s.syscalls[1].args[0].op == "SCMP_CMP_EQ");
    CHECK(l.rootfs_propagation == "rslave");
    CHECK(l.intel_rdt->enable_cmt);
    CHECK(l.personality->domain == "LINUX32");
    CHECK(l.net_devices.at("eth1").name == "net0");
    CHECK(l.memory_policy->mode == "MPOL_BIND");
}

TEST_CASE("spec: bad configs name the JSON path", "[spec]")
{
    const BadCase cases[] = {
        {"top-level array", [](json& j) { j = json::array(); }, "config.json: .: expected object, got array"},
        {"ociVersion missing", [](json& j) { j.erase("ociVersion"); }, "config.json: .ociVersion: required field missing"},
        {"ociVersion integer", [](json& j) { j["ociVersion"] = 1; }, "config.json: .ociVersion: expected string, got integer"},
        {"ociVersion 2", [](json& j) { j["ociVersion"] = "2.0.0"; },
         "config.json: .ociVersion: unsupported version \"2.0.0\" (want 1.x)"},
        {"ociVersion 0.9", [](json& j) { j["ociVersion"] = "0.9"; },
         "config.json: .ociVersion: unsupported version \"0.9\" (want 1.x)"},
        {"root missing", [](json& j) { j.erase("root"); }, "config.json: .root: required field missing"},
        {"root.path missing", [](json& j) { j["root"].erase("path"); }, "config.json: .root.path: required field missing"},
        {"root.path null", [](json& j) { j["root"]["path"] = nullptr; }, "config.json: .root.path: required field missing"},
        {"root.readonly string", [](json& j) { j["root"]["readonly"] = "yes"; },
         "config.json: .root.readonly: expected boolean, got string"},
        {"unknown namespace", [](json& j) { j["linux"]["namespaces"][2]["type"] = "netwrk"; },
         "config.json: .linux.namespaces[2].type: unknown namespace \"netwrk\""},
        {"duplicate namespace", [](json& j) { j["linux"]["namespaces"].push_back({{"type", "pid"}}); },
         "config.json: .linux.namespaces[5].type: duplicate namespace \"pid\""},
        {"namespaces not array", [](json& j) { j["linux"]["namespaces"] = json::object(); },
         "config.json: .linux.namespaces: expected array, got object"},
        {"namespace path relative", [](json& j) { j["linux"]["namespaces"][1]["path"] = "ns/net"; },
         "config.json: .linux.namespaces[1].path: must be an absolute path"},
        {"relative mount destination", [](json& j) { j["mounts"][1]["destination"] = "dev"; },
         "config.json: .mounts[1].destination: must be an absolute path"},
        {"mount destination missing", [](json& j) { j["mounts"][0].erase("destination"); },
         "config.json: .mounts[0].destination: required field missing"},
        {"mount option integer", [](json& j) { j["mounts"][1]["options"][1] = 755; },
         "config.json: .mounts[1].options[1]: expected string, got integer"},
        {"memory limit string", [](json& j) { j["linux"]["resources"]["memory"]["limit"] = "1G"; },
         "config.json: .linux.resources.memory.limit: expected integer, got string"},
        {"uid 2^32", [](json& j) { j["process"]["user"]["uid"] = 4294967296ull; },
         "config.json: .process.user.uid: value 4294967296 out of range (0..4294967295)"},
        {"uid negative", [](json& j) { j["process"]["user"]["uid"] = -1; },
         "config.json: .process.user.uid: value -1 out of range (0..4294967295)"},
        {"gid fractional", [](json& j) { j["process"]["user"]["gid"] = 1.5; },
         "config.json: .process.user.gid: expected unsigned integer, got number 1.5"},
        {"pids limit 2^63", [](json& j) { j["linux"]["resources"]["pids"]["limit"] = 9223372036854775808ull; },
         "config.json: .linux.resources.pids.limit: value 9223372036854775808 out of range "
         "(-9223372036854775808..9223372036854775807)"},
        {"blkio weight uint16", [](json& j) { j["linux"]["resources"]["blockIO"]["weight"] = 70000; },
         "config.json: .linux.resources.blockIO.weight: value 70000 out of range (0..65535)"},
        {"rdma map member", [](json& j) { j["linux"]["resources"]["rdma"]["mlx5_1"]["hcaHandles"] = "3"; },
         "config.json: .linux.resources.rdma.mlx5_1.hcaHandles: expected unsigned integer, got string"},
        {"sysctl value integer", [](json& j) { j["linux"]["sysctl"]["net.ipv4.ip_forward"] = 1; },
         "config.json: .linux.sysctl[\"net.ipv4.ip_forward\"]: expected string, got integer"},
        {"sysctl empty name", [](json& j) { j["linux"]["sysctl"][""] = "1"; },
         "config.json: .linux.sysctl[\"\"]: empty sysctl name"},
        {"net sysctl without netns", [](json& j) {
             j["linux"]["namespaces"].erase(1);
             j["linux"]["sysctl"]["net.core.somaxconn"] = "1024";
         },
         "config.json: .linux.sysctl[\"net.core.somaxconn\"]: sysctl \"net.core.somaxconn\" is not allowed in the "
         "host's network namespace"},
        {"host sysctl", [](json& j) { j["linux"]["sysctl"]["vm.swappiness"] = "10"; },
         "config.json: .linux.sysctl[\"vm.swappiness\"]: sysctl \"vm.swappiness\" is not in a separate kernel namespace"},
        {"process args missing", [](json& j) { j["process"].erase("args"); },
         "config.json: .process.args: required field missing"},
        {"process args empty", [](json& j) { j["process"]["args"] = json::array(); },
         "config.json: .process.args: must not be empty"},
        {"process cwd missing", [](json& j) { j["process"].erase("cwd"); },
         "config.json: .process.cwd: required field missing"},
        {"process cwd relative", [](json& j) { j["process"]["cwd"] = "work"; },
         "config.json: .process.cwd: must be an absolute path"},
        {"terminal string", [](json& j) { j["process"]["terminal"] = "true"; },
         "config.json: .process.terminal: expected boolean, got string"},
        {"env without =", [](json& j) { j["process"]["env"] = {"A=1", "B"}; },
         "config.json: .process.env[1]: invalid environment variable \"B\": missing '='"},
        {"unknown rlimit", [](json& j) { j["process"]["rlimits"] = {{{"type", "RLIMIT_FOO"}, {"hard", 1}, {"soft", 1}}}; },
         "config.json: .process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\""},
        {"rlimit soft > hard", [](json& j) {
             j["process"]["rlimits"] = {{{"type", "RLIMIT_NOFILE"}, {"hard", 1024}, {"soft", 2048}}};
         },
         "config.json: .process.rlimits[0].soft: soft limit 2048 exceeds hard limit 1024"},
        {"duplicate rlimit", [](json& j) {
             j["process"]["rlimits"] = {{{"type", "RLIMIT_NOFILE"}, {"hard", 1}, {"soft", 1}},
                                        {{"type", "RLIMIT_NOFILE"}, {"hard", 2}, {"soft", 2}}};
         },
         "config.json: .process.rlimits[1].type: duplicate rlimit \"RLIMIT_NOFILE\""},
        {"rlimit hard string", [](json& j) { j["process"]["rlimits"] = {{{"type", "RLIMIT_NOFILE"}, {"hard", "1"}}}; },
         "config.json: .process.rlimits[0].hard: expected unsigned integer, got string"},
        {"bad capability", [](json& j) {
             j["process"]["capabilities"]["bounding"] = {"CAP_KILL", "CAP_CHOWN", "CAP_FOO"};
         },
         "config.json: .process.capabilities.bounding[2]: unknown capability \"CAP_FOO\""},
        {"capabilities not object", [](json& j) { j["process"]["capabilities"] = json::array(); },
         "config.json: .process.capabilities: expected object, got array"},
        {"oomScoreAdj range", [](json& j) { j["process"]["oomScoreAdj"] = 1001; },
         "config.json: .process.oomScoreAdj: must be between -1000 and 1000"},
        {"hook path missing", [](json& j) { j["hooks"]["prestart"] = {{{"args", {"x"}}}}; },
         "config.json: .hooks.prestart[0].path: required field missing"},
        {"hook timeout zero", [](json& j) { j["hooks"]["poststop"] = {{{"path", "/bin/true"}, {"timeout", 0}}}; },
         "config.json: .hooks.poststop[0].timeout: must be greater than 0"},
        {"hostname without uts", [](json& j) { j["linux"]["namespaces"].erase(3); },
         "config.json: .hostname: unable to set hostname without a private UTS namespace"},
        {"userns without mappings", [](json& j) { j["linux"]["namespaces"].push_back({{"type", "user"}}); },
         "config.json: .linux.uidMappings: user namespace enabled, but no uid mappings found"},
        {"mappings without userns", [](json& j) {
             j["linux"]["uidMappings"] = {{{"containerID", 0}, {"hostID", 1000}, {"size", 1}}};
         },
         "config.json: .linux.uidMappings: uid mappings specified, but no user namespace in .linux.namespaces"},
        {"idmapping size 0", [](json& j) {
             j["linux"]["namespaces"].push_back({{"type", "user"}});
             j["linux"]["uidMappings"] = {{{"containerID", 0}, {"hostID", 1000}, {"size", 0}}};
             j["linux"]["gidMappings"] = {{{"containerID", 0}, {"hostID", 1000}, {"size", 1}}};
         },
         "config.json: .linux.uidMappings[0].size: must be greater than 0"},
        {"idmapping hostID missing", [](json& j) { j["linux"]["gidMappings"] = {{{"containerID", 0}, {"size", 1}}}; },
         "config.json: .linux.gidMappings[0].hostID: required field missing"},
        {"device type", [](json& j) { j["linux"]["devices"] = {{{"type", "x"}, {"path", "/dev/x"}}}; },
         "config.json: .linux.devices[0].type: invalid device type \"x\" (want c, b, u or p)"},
        {"device path relative", [](json& j) { j["linux"]["devices"] = {{{"type", "c"}, {"path", "dev/x"}}}; },
         "config.json: .linux.devices[0].path: must be an absolute path"},
        {"device rule access", [](json& j) {
             j["linux"]["resources"]["devices"] = {{{"allow", false}, {"access", "rwx"}}};
         },
         "config.json: .linux.resources.devices[0].access: invalid device access \"rwx\" (want a subset of \"rwm\")"},
        {"rootfsPropagation", [](json& j) { j["linux"]["rootfsPropagation"] = "bogus"; },
         "config.json: .linux.rootfsPropagation: invalid rootfs propagation \"bogus\""},
        {"masked path relative", [](json& j) { j["linux"]["maskedPaths"] = {"/proc/kcore", "proc/keys"}; },
         "config.json: .linux.maskedPaths[1]: must be an absolute path"},
        {"time offsets without time ns", [](json& j) { j["linux"]["timeOffsets"]["boottime"] = {{"secs", 1}}; },
         "config.json: .linux.timeOffsets: time offsets specified, but no time namespace in .linux.namespaces"},
    };
    for (const auto& bc : cases) {
        INFO(bc.name);
        CHECK(parse_error_json(with(bc.mutate)) == bc.message);
    }
}

TEST_CASE("spec: linux.seccomp is kept as its text and checked by parse_seccomp", "[spec]")
{
    // The profile's own bytes, spacing and all: they are the key of berth's filter cache.
    const std::string profile = "{ \"defaultAction\" :\"SCMP_ACT_ERRNO\",\n  \"syscalls\": [{\"names\": [\"read\"], "
                                "\"action\": \"SCMP_ACT_ALLOW\"}] }";
    std::string text = minimal().dump();
    text.insert(text.find("\"linux\":{") + 9, "\"seccomp\":  " + profile + " ,");
    spec::Config c = spec::parse_config(text);
    REQUIRE(c.linux->seccomp);
    CHECK(c.linux->seccomp->view() == profile);
    auto shared = std::make_shared<const std::string>(text);
    spec::Config c2 = spec::parse_config(shared);
    CHECK(c2.linux->seccomp->view() == profile);
    CHECK(c2.linux->seccomp->view().data() >= shared->data());  // a slice of the caller's text, no copy
    CHECK(c2.linux->seccomp->view().data() < shared->data() + shared->size());
    CHECK(spec::parse_seccomp(c.linux->seccomp->view()).syscalls.at(0).names == std::vector<std::string>{"read"});

    // Where the text cannot show the member plainly, the parsed value is kept instead, and a
    // duplicate key means what the parser makes of it (the last one).
    auto kept = [](const std::string& t) {
        auto s = spec::parse_config(t).linux->seccomp;
        return s ? json::parse(s->view()) : json();
    };
    json allow = {{"defaultAction", "SCMP_ACT_ALLOW"}};
    json errno_ = {{"defaultAction", "SCMP_ACT_ERRNO"}};
    std::string base = minimal().dump();
    auto in_linux = [&](const std::string& members) {
        std::string t = base;
        return t.insert(t.find("\"linux\":{") + 9, members + ",");
    };
    CHECK(kept(in_linux("\"secc\\u006fmp\":" + allow.dump())) == allow);
    CHECK(kept(in_linux("\"seccomp\":" + allow.dump() + ",\"secc\\u006fmp\":" + errno_.dump())) == errno_);
    CHECK(kept(in_linux("\"secc\\u006fmp\":" + allow.dump() + ",\"seccomp\":" + errno_.dump())) == errno_);
    CHECK(kept(in_linux("\"seccomp\":" + allow.dump() + ",\"seccomp\":" + errno_.dump())) == errno_);
    CHECK(kept(in_linux("\"seccomp\":null")).is_null());
    CHECK_FALSE(spec::parse_config(in_linux("\"seccomp\":null")).linux->seccomp);
    // Broken JSON: where the scan cannot find the value's end, parse_config fails on the whole
    // text; where it can, the value's text fails in parse_seccomp (which every user of the
    // profile calls first: a cached filter's key is a text that parsed).
    CHECK_THAT(parse_error(in_linux("\"seccomp\":{\"a\":[}")), Catch::StartsWith("config.json: invalid JSON: "));
    CHECK_THAT(parse_error(in_linux("\"seccomp\":{\"a\":\"}")), Catch::StartsWith("config.json: invalid JSON: "));
    CHECK(parse_error(in_linux("\"seccomp\":{]")) == "<no error>");
    CHECK_THROWS_WITH(spec::parse_seccomp(spec::parse_config(in_linux("\"seccomp\":{]")).linux->seccomp->view()),
                      Catch::StartsWith("config.json: .linux.seccomp: invalid JSON: "));

    // Its contents are checked where a filter is built (runtime/seccomp_plan.hpp), by
    // parse_seccomp, with the paths of config.json.
    auto seccomp_error = [](const json& s) {
        try {
            spec::parse_seccomp(s.dump());
        } catch (const berth::Error& e) {
            return std::string(e.what());
        }
        return std::string("<no error>");
    };
    CHECK(seccomp_error({{"defaultAction", "SCMP_ACT_ALLOW"}, {"syscalls", {{{"names", {"read"}}}}}}) ==
          "config.json: .linux.seccomp.syscalls[0].action: required field missing");
    CHECK(seccomp_error({{"defaultAction", "SCMP_ACT_ALLOW"},
                         {"syscalls",
                          {{{"names", {"read"}},
                            {"action", "SCMP_ACT_ERRNO"},
                            {"args", {{{"index", 0}, {"value", -1}, {"op", "SCMP_CMP_EQ"}}}}}}}}) ==
          "config.json: .linux.seccomp.syscalls[0].args[0].value: value -1 out of range (0..18446744073709551615)");
    CHECK(seccomp_error("SCMP_ACT_ALLOW") == "config.json: .linux.seccomp: expected object, got string");
    CHECK_THAT(parse_error(in_linux("\"seccomp\":{\"defaultAction\":1}")), Catch::Equals("<no error>"));
    CHECK_THROWS_WITH(spec::parse_seccomp("{\"defaultAction\": "),
                      Catch::StartsWith("config.json: .linux.seccomp: invalid JSON: "));
}

TEST_CASE("spec: parse_config_hooks gives what parse_config would", "[spec]")
{
    json hooks = {{"poststop", {{{"path", "/bin/true"}, {"args", {"true", "x"}}, {"timeout", 3}}}},
                  {"poststart", {{{"path", "/bin/false"}}}}};
    auto same = [](const std::string& text) {
        auto a = spec::parse_config_hooks(text);
        auto b = spec::parse_config(text).hooks;
        REQUIRE(a.has_value() == b.has_value());
        if (!a) return true;
        return a->poststop.size() == b->poststop.size() && a->poststart.size() == b->poststart.size() &&
               (a->poststop.empty() || (a->poststop[0].path == b->poststop[0].path &&
                                        a->poststop[0].args == b->poststop[0].args &&
                                        a->poststop[0].timeout == b->poststop[0].timeout));
    };
    CHECK(same(minimal().dump()));
    CHECK_FALSE(spec::parse_config_hooks(minimal().dump()));
    CHECK(same(with([&](json& j) { j["hooks"] = hooks; }).dump()));
    CHECK(spec::parse_config_hooks(with([&](json& j) { j["hooks"] = hooks; }).dump(2))->poststop.at(0).timeout == 3);
    CHECK(same(with([&](json& j) { j["hooks"] = nullptr; }).dump()));
    std::string escaped = with([&](json& j) { j["hooks"] = hooks; }).dump();
    escaped.replace(escaped.find("\"hooks\""), 7, "\"h\\u006foks\"");
    CHECK(same(escaped));
    CHECK(spec::parse_config_hooks(escaped)->poststart.size() == 1);
    // The same checks as parse_config's.
    CHECK_THROWS_WITH(spec::parse_config_hooks(with([](json& j) { j["hooks"]["poststop"] = {{{"path", "rel"}}}; }).dump()),
                      "config.json: .hooks.poststop[0].path: must be an absolute path");
}

TEST_CASE("spec: JSON syntax errors", "[spec]")
{
    std::string msg = parse_error(R"({"ociVersion": )");
    CHECK(msg.starts_with("config.json: invalid JSON: "));
    CHECK(msg.find("syntax error") != std::string::npos);
    CHECK(msg.find("[json.exception") == std::string::npos);
    CHECK(parse_error("", "my.json").starts_with("my.json: invalid JSON: "));
}

TEST_CASE("spec: integers beyond 64 bits are range errors", "[spec]")
{
    std::string text = with([](json& j) { j["process"]["user"]["uid"] = 0; }).dump();
    auto pos = text.find("\"uid\":0");
    REQUIRE(pos != std::string::npos);
    text.replace(pos, 7, "\"uid\":100000000000000000000000000000");
    std::string msg = parse_error(text);
    CHECK(msg.starts_with("config.json: .process.user.uid: value "));
    CHECK(msg.ends_with(" out of range (0..4294967295)"));
}

TEST_CASE("spec: accepted variations", "[spec]")
{
    for (const char* v : {"1.0.0", "1.2.1", "1.0.2-dev", "1.1.0-rc.1", "1.3"}) {
        INFO(v);
        CHECK_NOTHROW(spec::parse_config(with([v](json& j) { j["ociVersion"] = v; }).dump()));
    }
    // null counts as absent; unknown fields are ignored.
    spec::Config c = spec::parse_config(with([](json& j) {
                                             j["hooks"] = nullptr;
                                             j["process"]["capabilities"] = nullptr;
                                             j["vendorExtension"] = {{"a", 1}};
                                             j["linux"]["resources"] = {{"memory", json::object()}, {"futureKnob", 1}};
                                         }).dump());
    CHECK_FALSE(c.hooks);
    CHECK_FALSE(c.process->capabilities);
    REQUIRE(c.linux->resources);
    REQUIRE(c.linux->resources->memory);
    CHECK(spec::set_resource_fields(*c.linux->resources).empty());
    // No process, no linux, no hostname: still a valid document.
    CHECK_NOTHROW(spec::parse_config(R"({"ociVersion": "1.0.0", "root": {"path": "r"}})"));
    // A joined user namespace needs no mappings.
    CHECK_NOTHROW(spec::parse_config(
        with([](json& j) { j["linux"]["namespaces"].push_back({{"type", "user"}, {"path", "/proc/1/ns/user"}}); })
            .dump()));
}

TEST_CASE("spec: default spec round-trips through the parser", "[spec]")
{
    for (bool rootless : {false, true}) {
        INFO("rootless=" << rootless);
        auto j = spec::default_spec(rootless);
        spec::Config c = spec::parse_config(j.dump(4));
        CHECK(c.oci_version == "1.2.0");
        CHECK(c.root.path == "rootfs");
        CHECK(c.root.readonly);
        CHECK(c.hostname == "berth");
        REQUIRE(c.process);
        CHECK(c.process->terminal);
        CHECK(c.process->args == std::vector<std::string>{"sh"});
        CHECK(c.process->no_new_privileges);
        const std::vector<std::string> caps{"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
        CHECK(c.process->capabilities->bounding == caps);
        CHECK(c.process->capabilities->permitted == caps);
        CHECK_FALSE(j["process"]["capabilities"].contains("inheritable"));
        CHECK_FALSE(j["process"]["capabilities"].contains("ambient"));
        REQUIRE(c.process->rlimits.size() == 1);
        CHECK(c.process->rlimits[0].soft == 1024);
        REQUIRE(c.mounts.size() == 7);
        CHECK(c.mounts[0].destination == "/proc");
        CHECK_FALSE(j["mounts"][0].contains("options"));
        CHECK(c.mounts[6].destination == "/sys/fs/cgroup");
        CHECK(c.linux->masked_paths.size() == 10);
        CHECK(c.linux->readonly_paths.size() == 5);
        bool has_net = false, has_user = false;
        for (const auto& ns : c.linux->namespaces) {
            has_net |= ns.type == spec::NamespaceType::network;
            has_user |= ns.type == spec::NamespaceType::user;
        }
        CHECK(has_net == !rootless);
        CHECK(has_user == rootless);
        if (rootless) {
            CHECK_FALSE(c.linux->resources);
            REQUIRE(c.linux->uid_mappings.size() == 1);
            CHECK(c.linux->uid_mappings[0].host_id == ::geteuid());
            CHECK(c.linux->gid_mappings[0].host_id == ::getegid());
            CHECK(c.mounts[5].type == "none");
            CHECK(c.mounts[5].options == std::vector<std::string>{"rbind", "nosuid", "noexec", "nodev", "ro"});
            CHECK(c.mounts[2].options.back() == "mode=0620");
        } else {
            REQUIRE(c.linux->resources);
            REQUIRE(c.linux->resources->devices.size() == 1);
            CHECK_FALSE(c.linux->resources->devices[0].allow);
            CHECK(c.linux->resources->devices[0].access == "rwm");
            CHECK(c.mounts[5].type == "sysfs");
            CHECK(c.mounts[2].options.back() == "gid=5");
            CHECK(c.linux->namespaces.size() == 6);
        }
    }
    // runc's key order, which users diff against.
    auto j = spec::default_spec(false);
    std::vector<std::string> keys;
    for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
    CHECK(keys == std::vector<std::string>{"ociVersion", "process", "root", "hostname", "mounts", "linux"});
}

TEST_CASE("spec: set_resource_fields", "[spec]")
{
    spec::Resources r;
    CHECK(spec::set_resource_fields(r).empty());
    r.devices.push_back({});
    r.memory.emplace();
    r.memory->limit = 100;
    r.memory->disable_oom_killer = false;
    r.cpu.emplace();
    r.cpu->cpus = "0";
    r.pids.emplace();
    r.block_io.emplace();
    r.block_io->throttle_write_iops_device.push_back({});
    r.unified["memory.max"] = "1G";
    CHECK(spec::set_resource_fields(r) == std::vector<std::string>{
                                             ".linux.resources.devices",
                                             ".linux.resources.memory.limit",
                                             ".linux.resources.memory.disableOOMKiller",
                                             ".linux.resources.cpu.cpus",
                                             ".linux.resources.blockIO.throttleWriteIOPSDevice",
                                             ".linux.resources.unified[\"memory.max\"]",
                                         });
    spec::Config c = spec::parse_config(with([](json& j) {
                                             j["linux"]["resources"] = {{"pids", {{"limit", 5}}},
                                                                        {"hugepageLimits", {{{"pageSize", "2MB"}}}},
                                                                        {"network", {{"classID", 1}}}};
                                         }).dump());
    CHECK(spec::set_resource_fields(*c.linux->resources) ==
          std::vector<std::string>{".linux.resources.pids.limit", ".linux.resources.hugepageLimits",
                                   ".linux.resources.network.classID"});
}

TEST_CASE("spec: parse_process", "[spec]")
{
    spec::Process p = spec::parse_process(
        R"({"args": ["ls", "-l"], "cwd": "/tmp", "env": ["A=b"], "user": {"uid": 7}, "terminal": false})",
        "process.json");
    CHECK(p.args.size() == 2);
    CHECK(p.cwd == "/tmp");
    CHECK(p.user.uid == 7);
    auto err = [](std::string_view text) {
        try {
            spec::parse_process(text, "process.json");
        } catch (const berth::Error& e) {
            return std::string(e.what());
        }
        return std::string("<no error>");
    };
    CHECK(err(R"({"cwd": "/"})") == "process.json: .args: required field missing");
    CHECK(err(R"({"args": ["sh"], "cwd": "x"})") == "process.json: .cwd: must be an absolute path");
    CHECK(err(R"({"args": ["sh", 1], "cwd": "/"})") == "process.json: .args[1]: expected string, got integer");
    CHECK(err(R"({"args": ["sh"], "cwd": "/", "capabilities": {"effective": ["CAP_NOPE"]}})") ==
          "process.json: .capabilities.effective[0]: unknown capability \"CAP_NOPE\"");
    CHECK(err("[") .starts_with("process.json: invalid JSON: "));
}

TEST_CASE("spec: load_config reads <bundle>/config.json", "[spec]")
{
    char tmpl[] = "/tmp/berth-spec-test-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    std::string dir = tmpl;
    try {
        spec::load_config(dir);
        FAIL("expected an error for a missing config.json");
    } catch (const berth::Error& e) {
        CHECK(std::string(e.what()).find(dir + "/config.json") != std::string::npos);
        CHECK(e.code() == ENOENT);
    }
    berth::write_file_atomic(dir + "/config.json", with([](json& j) { j["linux"]["namespaces"][0]["type"] = 1; }).dump());
    try {
        spec::load_config(dir);
        FAIL("expected a type error");
    } catch (const berth::Error& e) {
        CHECK(std::string(e.what()) == "config.json: .linux.namespaces[0].type: expected string, got integer");
    }
    berth::write_file_atomic(dir + "/config.json", minimal().dump());
    CHECK(spec::load_config(dir).hostname == "h");
    berth::remove_tree(dir);
}

TEST_CASE("spec: name tables", "[spec]")
{
    for (auto t : {spec::NamespaceType::pid, spec::NamespaceType::network, spec::NamespaceType::mount,
                   spec::NamespaceType::ipc, spec::NamespaceType::uts, spec::NamespaceType::user,
                   spec::NamespaceType::cgroup, spec::NamespaceType::time})
        CHECK(spec::namespace_type_from_string(spec::to_string(t)) == t);
    CHECK(spec::to_string(spec::NamespaceType::network) == "network");
    CHECK_FALSE(spec::namespace_type_from_string("net"));
    CHECK(berth::os::capability_from_name("CAP_CHOWN") == 0);
    CHECK(berth::os::capability_from_name("CAP_SYS_ADMIN") == 21);
    CHECK(berth::os::capability_from_name("CAP_CHECKPOINT_RESTORE") == 40);
    CHECK_FALSE(berth::os::capability_from_name("CAP_chown"));
    CHECK_FALSE(berth::os::capability_from_name("cap_chown"));  // libcap would take these; the spec does not
    CHECK_FALSE(berth::os::capability_from_name("5"));
    CHECK(berth::os::capability_name(21) == "CAP_SYS_ADMIN");
    CHECK(berth::os::capability_names().front() == "CAP_CHOWN");
    CHECK(spec::rlimit_from_name("RLIMIT_NOFILE") == RLIMIT_NOFILE);
    CHECK(spec::rlimit_from_name("RLIMIT_RTTIME") == RLIMIT_RTTIME);
    CHECK_FALSE(spec::rlimit_from_name("NOFILE"));
}

TEST_CASE("spec: validate runs on programmatically built configs", "[spec]")
{
    spec::Config c = spec::parse_config(minimal().dump());
    c.linux->namespaces.push_back({spec::NamespaceType::uts, ""});
    try {
        spec::validate(c, "built");
        FAIL("expected duplicate namespace");
    } catch (const berth::Error& e) {
        CHECK(std::string(e.what()) == "built: .linux.namespaces[5].type: duplicate namespace \"uts\"");
    }
}

TEST_CASE("spec: a number that overflows while parsing is an invalid-JSON error, not a crash", "[spec][fuzz]")
{
    // Found by tests/fuzz/run.sh: nlohmann throws out_of_range, not parse_error, for this.
    for (const char* text : {"11111111111e1111111110\xff,\n ", "{\"ociVersion\": 1e999999}"}) {
        try {
            (void)berth::spec::parse_config(text);
            FAIL("accepted");
        } catch (const berth::Error& e) {
            CHECK_THAT(std::string(e.what()), Catch::StartsWith("config.json: invalid JSON: "));
        }
    }
}

TEST_CASE("spec: a NUL byte inside any string is an error at its JSON path", "[spec]")
{
    using namespace std::string_literals;
    std::string nul = "a\0b"s;
    CHECK(parse_error_json(with([&](json& j) { j["process"]["args"][0] = "sh" + nul; })) ==
          "config.json: .process.args[0]: string contains a NUL byte");
    CHECK(parse_error_json(with([&](json& j) { j["process"]["env"] = {"A=" + nul}; })) ==
          "config.json: .process.env[0]: string contains a NUL byte");
    CHECK(parse_error_json(with([&](json& j) { j["mounts"][0]["destination"] = "/pr" + nul; })) ==
          "config.json: .mounts[0].destination: string contains a NUL byte");
    CHECK(parse_error_json(with([&](json& j) { j["mounts"][0]["source"] = nul; })) ==
          "config.json: .mounts[0].source: string contains a NUL byte");
    CHECK(parse_error_json(with([&](json& j) { j["hostname"] = "h" + nul; })) ==
          "config.json: .hostname: string contains a NUL byte");
    CHECK(parse_error_json(with([&](json& j) { j["root"]["path"] = "rootfs" + nul; })) ==
          "config.json: .root.path: string contains a NUL byte");
    CHECK_THAT(parse_error_json(with([&](json& j) { j["annotations"] = {{"k" + nul, "v"}}; })),
               Catch::Contains("config.json: .annotations[") && Catch::Contains("key contains a NUL byte"));
}
