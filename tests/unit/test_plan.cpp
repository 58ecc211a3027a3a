// config.json -> Plan (container, process, parent) translation, and the check for fields berth does not implement.
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <algorithm>
#include <cstdlib>

#include "berth/runtime/container_plan.hpp"
#include "berth/runtime/supported.hpp"
#include "berth/spec/default_spec.hpp"
#include "berth/spec/parse.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"

using namespace berth;

namespace {

struct Bundle {
    std::string dir;
    Bundle()
    {
        char tmpl[] = "/tmp/berth-plan-XXXXXX";
        dir = ::mkdtemp(tmpl);
        ::mkdir((dir + "/rootfs").c_str(), 0755);
        ::mkdir((dir + "/rootfs/etc").c_str(), 0755);
        write_file_atomic(dir + "/rootfs/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/home/user:/bin/sh\n");
    }
    ~Bundle() { remove_tree(dir); }
    runtime::PlanInputs inputs() const
    {
        runtime::PlanInputs in;
        in.id = "c1";
        in.bundle = dir;
        in.rootfs = dir + "/rootfs";
        in.cgroup_mode = cgroups::Mode::hybrid;
        in.hierarchies = {{"memory", "/sys/fs/cgroup/memory/berth/c1", false}, {"unified", "/sys/fs/cgroup/unified/berth/c1", true}};
        return in;
    }
};

spec::Config config_with(const std::function<void(nlohmann::ordered_json&)>& edit)
{
    auto j = spec::default_spec(false);
    j["process"]["terminal"] = false;
    edit(j);
    return spec::parse_config(j.dump());
}

runtime::Plan plan_for(const spec::Config& c, const Bundle& b)
{
    Logger log;
    return runtime::build_plan(c, b.inputs(), log);
}

}  // namespace

TEST_CASE("plan: the default spec", "[plan]")
{
    Bundle b;
    auto full = plan_for(config_with([](auto&) {}), b);
    const auto& plan = full.container;
    auto& proc = full.process;
    proc.finalize_pointers();
    CHECK(plan.new_namespaces == (CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNS | CLONE_NEWCGROUP));
    CHECK_FALSE(plan.two_stage);
    CHECK(plan.hostname == std::optional<std::string>("berth"));
    CHECK(plan.readonly_root);
    CHECK(plan.default_devices);
    CHECK(plan.rootfs_propagation == (MS_SLAVE | MS_REC));
    REQUIRE(plan.mounts.size() == 7);
    CHECK(plan.mounts[0].fstype == "proc");
    CHECK(plan.mounts[6].kind == os::MountStep::Kind::cgroup);
    REQUIRE(plan.cgroup_mounts.v1.size() == 2);
    CHECK(plan.cgroup_mounts.v1[0].host_path == "/sys/fs/cgroup/memory/berth/c1");
    // CAP_AUDIT_WRITE (29), CAP_KILL (5), CAP_NET_BIND_SERVICE (10); nothing inheritable (#7).
    CHECK(proc.caps.present);
    CHECK(proc.caps.bounding == 0x20000420);
    CHECK(proc.caps.effective == 0x20000420);
    CHECK(proc.caps.inheritable == 0);
    CHECK(proc.caps.ambient == 0);
    REQUIRE(proc.rlimits.size() == 1);
    CHECK(proc.rlimits[0].limit.rlim_max == 1024);
    CHECK(proc.no_new_privileges);
    CHECK(plan.keyring_name == "_ses.c1");
    // HOME comes from the rootfs's /etc/passwd when the env lacks it.
    CHECK(proc.env.back() == "HOME=/root");
    REQUIRE(proc.argv.size() == proc.args.size() + 1);
    CHECK(proc.argv.back() == nullptr);
    CHECK(std::string(proc.argv[0]) == "sh");
}

TEST_CASE("plan: the cgroup mount on pure v2 never mounts cgroup2 anew in the initial cgroup namespace", "[plan]")
{
    Bundle b;
    Logger log;
    auto in = b.inputs();
    in.cgroup_mode = cgroups::Mode::unified;
    auto without_cgroupns = [](auto& j) {
        auto& ns = j["linux"]["namespaces"];
        for (size_t i = 0; i < ns.size(); ++i)
            if (ns[i]["type"] == "cgroup") ns.erase(i);
    };
    SECTION("its own cgroup, no cgroup namespace: that cgroup, bound")
    {
        in.hierarchies = {{"", "/sys/fs/cgroup/berth/c1", true}};
        auto plan = runtime::build_plan(config_with(without_cgroupns), in, log).container;
        CHECK_FALSE(plan.cgroup_mounts.fresh_cgroup2);
        CHECK(plan.cgroup_mounts.v2_host_path == "/sys/fs/cgroup/berth/c1");
    }
    SECTION("a cgroup namespace: a new cgroup2, made in it")
    {
        in.hierarchies = {{"", "/sys/fs/cgroup/berth/c1", true}};
        auto plan = runtime::build_plan(config_with([](auto&) {}), in, log).container;
        CHECK(plan.cgroup_mounts.fresh_cgroup2);
        CHECK(plan.cgroup_mounts.v2_host_path.empty());
    }
    SECTION("no cgroup of its own (--cgroup-manager=disabled) nor a namespace: the whole tree, bound")
    {
        // A new mount would set its options on the host's hierarchy (nsdelegate cleared).
        in.hierarchies.clear();
        auto plan = runtime::build_plan(config_with(without_cgroupns), in, log).container;
        CHECK_FALSE(plan.cgroup_mounts.fresh_cgroup2);
        CHECK(plan.cgroup_mounts.v2_host_path == "/sys/fs/cgroup");
    }
}

TEST_CASE("plan: relative bind sources are taken from the bundle", "[plan]")
{
    Bundle b;
    auto plan = plan_for(config_with([](auto& j) {
        j["mounts"].push_back({{"destination", "/data"}, {"type", "bind"}, {"source", "vol"}, {"options", {"rbind", "ro"}}});
    }), b);
    const auto& m = plan.container.mounts.back();
    CHECK(m.kind == os::MountStep::Kind::bind);
    CHECK(m.source == b.dir + "/vol");
    CHECK(m.opts.recursive);
    CHECK((m.opts.attr_set & MOUNT_ATTR_RDONLY));
}

TEST_CASE("plan: joining namespaces by path", "[plan]")
{
    Bundle b;
    auto full = plan_for(config_with([](auto& j) {
        for (auto& ns : j["linux"]["namespaces"])
            if (ns["type"] == "network") ns["path"] = "/proc/self/ns/net";
    }), b);
    const auto& plan = full.container;
    CHECK_FALSE((plan.new_namespaces & CLONE_NEWNET));
    REQUIRE(plan.joins.size() == 1);
    CHECK(plan.joins[0].nstype == CLONE_NEWNET);
    CHECK(plan.joins[0].fd);
    CHECK_FALSE(plan.two_stage);  // joined from the init; no user namespace involved
}

TEST_CASE("plan: berth may make a new network namespace beside the init only in one stage, outside a user namespace", "[plan]")
{
    Bundle b;
    CHECK(plan_for(config_with([](auto&) {}), b).container.network_aside_possible());
    auto without_net = [](auto& j) {
        auto& ns = j["linux"]["namespaces"];
        for (size_t i = 0; i < ns.size(); ++i)
            if (ns[i]["type"] == "network") ns.erase(i);
    };
    CHECK_FALSE(plan_for(config_with(without_net), b).container.network_aside_possible());
    auto joined = plan_for(config_with([](auto& j) {
        for (auto& ns : j["linux"]["namespaces"])
            if (ns["type"] == "network") ns["path"] = "/proc/self/ns/net";
    }), b);
    CHECK_FALSE(joined.container.network_aside_possible());
    // In a new user namespace the network namespace must be that one's: the clone (or the
    // intermediate) makes it there.
    auto userns = plan_for(config_with([](auto& j) {
        j["linux"]["namespaces"].push_back({{"type", "user"}});
        j["linux"]["uidMappings"] = {{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
        j["linux"]["gidMappings"] = {{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
    }), b);
    CHECK_FALSE(userns.container.network_aside_possible());
    // A time namespace takes the two-stage start, whose intermediate unshares the rest.
    auto timens = plan_for(config_with([](auto& j) { j["linux"]["namespaces"].push_back({{"type", "time"}}); }), b);
    CHECK(timens.container.two_stage);
    CHECK_FALSE(timens.container.network_aside_possible());
    // build_plan only says what is possible; launch() decides (os::NetworkNamespaceMaker).
    CHECK_FALSE(plan_for(config_with([](auto&) {}), b).container.network_aside);
}

TEST_CASE("plan: no mount namespace, or berth's own joined, shares berth's: never with a user namespace", "[plan]")
{
    Bundle b;
    auto drop_mount = [](auto& j) {
        auto& ns = j["linux"]["namespaces"];
        for (size_t i = 0; i < ns.size(); ++i)
            if (ns[i]["type"] == "mount") ns.erase(i);
    };
    CHECK_FALSE(plan_for(config_with([](auto&) {}), b).container.shares_mount_ns);
    auto none = plan_for(config_with(drop_mount), b);
    CHECK(none.container.shares_mount_ns);
    CHECK_FALSE((none.container.new_namespaces & CLONE_NEWNS));
    CHECK(none.container.mounts.size() == 7);  // the config's mounts, beneath berth's copy
    // Joining berth's own namespace by path is the same: nothing joined, no pivot_root.
    auto own = plan_for(config_with([](auto& j) {
        for (auto& ns : j["linux"]["namespaces"])
            if (ns["type"] == "mount") ns["path"] = "/proc/self/ns/mnt";
    }), b);
    CHECK(own.container.shares_mount_ns);
    CHECK(own.container.joins.empty());
    CHECK_FALSE((own.container.new_namespaces & CLONE_NEWNS));
    auto with_user = [&](auto& j) {
        drop_mount(j);
        j["linux"]["namespaces"].push_back({{"type", "user"}});
        j["linux"]["uidMappings"] = {{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
        j["linux"]["gidMappings"] = {{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
    };
    CHECK_THROWS_WITH(plan_for(config_with(with_user), b),
                      Catch::Contains(".linux.namespaces") && Catch::Contains("needs a mount namespace"));
}

TEST_CASE("plan: a new user namespace plus a joined one needs the intermediate process", "[plan]")
{
    Bundle b;
    auto full = plan_for(config_with([](auto& j) {
        j["linux"]["namespaces"].push_back({{"type", "user"}});
        j["linux"]["uidMappings"] = {{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
        j["linux"]["gidMappings"] = {{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
        for (auto& ns : j["linux"]["namespaces"])
            if (ns["type"] == "ipc") ns["path"] = "/proc/self/ns/ipc";
    }), b);
    const auto& plan = full.container;
    CHECK(plan.two_stage);
    CHECK(full.parent.uid_map == "0 100000 65536\n");
}

TEST_CASE("plan: time offsets become timens_offsets lines for the intermediate", "[plan]")
{
    Bundle b;
    auto full = plan_for(config_with([](auto& j) {
        j["linux"]["namespaces"].push_back({{"type", "time"}});
        j["linux"]["timeOffsets"] = {{"boottime", {{"secs", 1000}}}, {"monotonic", {{"secs", -5}, {"nanosecs", 7}}}};
    }), b);
    CHECK(full.container.two_stage);  // offsets go in between unshare and the init's fork
    CHECK(full.container.time_offsets == "boottime 1000 0\nmonotonic -5 7\n");
    auto joined = [&] {
        plan_for(config_with([](auto& j) {
            j["linux"]["namespaces"].push_back({{"type", "time"}, {"path", "/proc/self/ns/time"}});
            j["linux"]["timeOffsets"] = {{"boottime", {{"secs", 1}}}};
        }), b);
    };
    CHECK_THROWS_WITH(joined(), Catch::Contains(".linux.timeOffsets") && Catch::Contains("joined"));
}

TEST_CASE("plan: id-mapped binds are prepared by berth with their own maps or the container's", "[plan]")
{
    Bundle b;
    auto userns = [](auto& j) {
        j["linux"]["namespaces"].push_back({{"type", "user"}});
        j["linux"]["uidMappings"] = {{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
        j["linux"]["gidMappings"] = {{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
    };
    auto bind = [](std::vector<std::string> opts) {
        return nlohmann::ordered_json{{"destination", "/data"}, {"type", "bind"}, {"source", "/tmp"}, {"options", opts}};
    };
    auto full = plan_for(config_with([&](auto& j) {
        userns(j);
        j["mounts"].push_back(bind({"rbind", "ridmap"}));
        auto own = bind({"bind"});  // mappings alone id-map the mount, as runc does
        own["uidMappings"] = {{{"containerID", 1000}, {"hostID", 100000}, {"size", 1}}};
        own["gidMappings"] = {{{"containerID", 1000}, {"hostID", 100000}, {"size", 2}}};
        j["mounts"].push_back(own);
    }), b);
    const auto& mounts = full.container.mounts;
    const auto& r = mounts[mounts.size() - 2];
    CHECK(r.source_is_mount);
    CHECK(r.opts.idmap == os::MountOptions::Idmap::recursive);
    CHECK(r.idmap_uid_map.empty());  // the container's user namespace
    const auto& own = mounts.back();
    CHECK(own.source_is_mount);
    CHECK(own.opts.idmap == os::MountOptions::Idmap::top);
    CHECK(own.idmap_uid_map == "1000 100000 1\n");
    CHECK(own.idmap_gid_map == "1000 100000 2\n");
    CHECK_FALSE(mounts.front().source_is_mount);

    auto error = [&](const std::function<void(nlohmann::ordered_json&)>& edit) {
        try {
            plan_for(config_with(edit), b);
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK_THAT(error([&](auto& j) { j["mounts"].push_back(bind({"bind", "idmap"})); }),
               Catch::Contains(".options") && Catch::Contains("user namespace"));
    CHECK_THAT(error([&](auto& j) {
                   userns(j);
                   j["mounts"].push_back({{"destination", "/t"}, {"type", "tmpfs"}, {"source", "tmpfs"}, {"options", {"idmap"}}});
               }),
               Catch::Contains("bind mounts only"));
}

TEST_CASE("plan: a namespace path that cannot be opened names its JSON path", "[plan]")
{
    Bundle b;
    try {
        plan_for(config_with([](auto& j) { j["linux"]["namespaces"][0]["path"] = "/nonexistent/ns"; }), b);
        FAIL("no error");
    } catch (const Error& e) {
        CHECK_THAT(e.what(), Catch::Contains(".linux.namespaces[0].path") && Catch::Contains("no such file or directory"));
    }
}

TEST_CASE("plan: a process from process.json plans like config.json's", "[plan]")
{
    auto p = spec::parse_process(R"({"args":["top","-b"],"cwd":"/tmp","env":["PATH=/bin"],
        "user":{"uid":1000,"gid":100,"additionalGids":[5]},"rlimits":[{"type":"RLIMIT_NOFILE","soft":10,"hard":20}],
        "capabilities":{"bounding":["CAP_KILL"],"effective":["CAP_KILL"],"permitted":["CAP_KILL"]}})",
                                 "process.json");
    Logger log;
    auto plan = runtime::build_process_plan(p, runtime::ProcessSource{"process.json", ""}, -1, 2, log);
    plan.finalize_pointers();
    CHECK(plan.cwd == "/tmp");
    CHECK(plan.path_env == "/bin");
    CHECK(plan.env.back() == "HOME=/");  // no root to read /etc/passwd from
    CHECK(plan.identity.uid == 1000);
    CHECK(plan.identity.additional_gids == std::vector<gid_t>{5});
    CHECK(plan.caps.bounding == (uint64_t{1} << 5));
    REQUIRE(plan.rlimits.size() == 1);
    CHECK(plan.rlimits[0].name == "RLIMIT_NOFILE");
    CHECK(plan.rlimits[0].limit.rlim_cur == 10);
    CHECK(plan.preserve_fds == 2);
    CHECK(std::string(plan.argv[1]) == "-b");
}

TEST_CASE("plan: process.terminal gets a pty of consoleSize; only the container's init binds /dev/console", "[plan]")
{
    Bundle b;
    auto none = plan_for(config_with([](auto&) {}), b);
    CHECK_FALSE(none.process.terminal);
    CHECK_FALSE(none.container.console);
    auto full = plan_for(config_with([](auto& j) {
                             j["process"]["terminal"] = true;
                             j["process"]["consoleSize"] = {{"height", 33}, {"width", 111}};
                         }),
                         b);
    REQUIRE(full.process.terminal);
    CHECK(full.process.terminal->rows == 33);
    CHECK(full.process.terminal->cols == 111);
    CHECK(full.process.terminal->mount_console);
    CHECK(full.container.console);
    // The same process object from an exec's process.json: a pty, no /dev/console; sizes
    // beyond the kernel's 16 bits saturate.
    auto p = spec::parse_process(R"({"args":["sh"],"cwd":"/","terminal":true,"consoleSize":{"height":70000,"width":80}})",
                                 "process.json");
    Logger log;
    auto exec = runtime::build_process_plan(p, runtime::ProcessSource{"process.json", ""}, -1, 0, log);
    REQUIRE(exec.terminal);
    CHECK(exec.terminal->rows == 65535);
    CHECK(exec.terminal->cols == 80);
    CHECK_FALSE(exec.terminal->mount_console);
}

TEST_CASE("unsupported fields fail with their path instead of being ignored", "[plan]")
{
    Logger log;
    auto msg = [&](const std::function<void(nlohmann::ordered_json&)>& edit) {
        try {
            runtime::check_supported(config_with(edit), log);
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK(msg([](auto&) {}) == "no error");
    CHECK(msg([](auto& j) { j["process"]["terminal"] = true; }) == "no error");
    CHECK(msg([](auto& j) { j["hooks"]["prestart"] = {{{"path", "/bin/true"}}}; }) == "no error");
    CHECK(msg([](auto& j) { j["linux"]["seccomp"] = {{"defaultAction", "SCMP_ACT_ALLOW"}}; }) == "no error");
    CHECK(msg([](auto& j) { j["linux"]["sysctl"] = {{"net.ipv4.ip_forward", "1"}}; }) == "no error");
    CHECK(msg([](auto& j) { j["process"]["apparmorProfile"] = "x"; }) == "no error");  // lsm_plan's, at plan time
    CHECK(msg([](auto& j) { j["mounts"][1]["options"].push_back("tmpcopyup"); }) == "no error");
    CHECK_THAT(msg([](auto& j) { j["mounts"][1]["options"].push_back("remount"); }),
               Catch::Contains(".mounts[1].options") && Catch::Contains("remount"));
    // No mount namespace: supported (private_rootfs.hpp); build_plan refuses it with a user one.
    CHECK(msg([](auto& j) {
              j.erase("hostname");
              j["linux"]["namespaces"] = nlohmann::ordered_json::array();
          }) == "no error");
    CHECK_THAT(msg([](auto& j) { j.erase("process"); }), Catch::Contains(".process: required"));
}

TEST_CASE("home directory from /etc/passwd", "[plan]")
{
    std::string pw = "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:U:/home/user:/bin/sh\nnohome:x:7:7:::\nbad line\n";
    CHECK(runtime::home_from_passwd(pw, 0) == "/root");
    CHECK(runtime::home_from_passwd(pw, 1000) == "/home/user");
    CHECK(runtime::home_from_passwd(pw, 7) == "/");
    CHECK(runtime::home_from_passwd(pw, 42) == "/");
}

TEST_CASE("plan: device rules put the default allow list after the config's deny-all", "[plan]")
{
    auto c = config_with([](auto& j) {
        j["linux"]["resources"]["devices"] = {{{"allow", false}, {"access", "rwm"}},
                                              {{"allow", false}, {"type", "c"}, {"major", 1}, {"minor", 3}, {"access", "w"}}};
    });
    auto rules = runtime::device_rules(c);
    auto defaults = cgroups::default_device_rules();
    REQUIRE(rules.size() == 2 + defaults.size());
    CHECK(cgroups::v1_device_line(rules.front()) == "a *:* rwm");
    CHECK(cgroups::v1_device_line(rules[1]) == cgroups::v1_device_line(defaults.front()));
    // The config's own later rule stays last, so it decides.
    CHECK(cgroups::v1_device_line(rules.back()) == "c 1:3 w");
    CHECK_FALSE(rules.back().allow);
    // Without any rule: the defaults alone.
    CHECK(runtime::device_rules(config_with([](auto& j) { j["linux"].erase("resources"); })).size() == defaults.size());
}

TEST_CASE("plan: what the init may do at the network gate instead of after its mounts", "[plan]")
{
    Bundle b;
    auto early_of = [&](const std::function<void(nlohmann::ordered_json&)>& edit) {
        return runtime::plan_early_steps(plan_for(config_with(edit), b).container);
    };
    auto as_string = [](const std::vector<bool>& v) {
        std::string s;
        for (bool x : v) s += x ? '1' : '0';
        return s;
    };
    // berth spec: the gate is /sys; the devices and every /proc mask and read-only path can go
    // first, /sys/firmware must wait for sysfs.
    auto d = early_of([](auto&) {});
    CHECK(d.devices);
    CHECK(as_string(d.masked) == "1111111101");
    CHECK(as_string(d.readonly) == "11111");

    // No sysfs mount: no gate, nothing early.
    auto no_sys = early_of([](auto& j) {
        auto& m = j["mounts"];
        for (size_t i = 0; i < m.size(); ++i)
            if (m[i]["destination"] == "/sys") m.erase(i);
    });
    CHECK_FALSE(no_sys.devices);
    CHECK(as_string(no_sys.masked) == "0000000000");
    CHECK(as_string(no_sys.readonly) == "00000");

    // A mount after the gate elsewhere in /dev leaves the devices early (podman's order: sysfs,
    // then devpts, mqueue, shm)...
    auto dev_mounts_late = early_of([](auto& j) {
        j["mounts"].push_back({{"destination", "/dev/foo"}, {"type", "tmpfs"}, {"source", "tmpfs"}});
    });
    CHECK(dev_mounts_late.devices);
    CHECK(as_string(dev_mounts_late.masked) == "1111111101");
    // ... one on a node berth makes does not, nor the masks (they bind the /dev/null the device
    // step makes); a read-only path with a mask inside waits for it.
    auto dev_late = early_of([](auto& j) {
        j["mounts"].push_back({{"destination", "/dev/tty"}, {"type", "bind"}, {"source", "/dev/null"}, {"options", {"bind"}}});
        j["linux"]["maskedPaths"].push_back("/proc/sys/kernel/core_pattern");
    });
    CHECK_FALSE(dev_late.devices);
    CHECK(as_string(dev_late.masked) == "00000000000");
    CHECK(as_string(dev_late.readonly) == "11101");  // /proc/sys holds a mask that waits

    // A mount after the gate inside, on or above a path keeps it after the mounts; so does a
    // cwd to be made inside it.
    auto covered = early_of([](auto& j) {
        j["mounts"].push_back({{"destination", "/proc/sys/fs/binfmt_misc"}, {"type", "binfmt_misc"}, {"source", "x"}});
        j["mounts"].push_back({{"destination", "/proc/kcore"}, {"type", "bind"}, {"source", "/dev/null"}, {"options", {"bind"}}});
        j["linux"]["readonlyPaths"].push_back("/data");
        j["process"]["cwd"] = "/data/work";
    });
    CHECK(covered.devices);
    CHECK(as_string(covered.masked) == "1101111101");  // /proc/kcore is bound over later
    CHECK(as_string(covered.readonly) == "111010");     // /proc/sys and /data wait
    // A linux.devices node where a later mount lands keeps the devices after the mounts.
    auto dev_elsewhere = early_of([](auto& j) {
        j["mounts"].push_back({{"destination", "/mnt"}, {"type", "tmpfs"}, {"source", "tmpfs"}});
        j["linux"]["devices"] = {{{"path", "/mnt/null"}, {"type", "c"}, {"major", 1}, {"minor", 3}}};
    });
    CHECK_FALSE(dev_elsewhere.devices);
}

TEST_CASE("plan: masks wait for the mounts when a later one could bring /proc or /sys of its own", "[plan]")
{
    Bundle b;
    auto early_of = [&](const std::function<void(nlohmann::ordered_json&)>& edit) {
        return runtime::plan_early_steps(plan_for(config_with(edit), b).container);
    };
    auto none_early = [](const std::vector<bool>& v) { return std::none_of(v.begin(), v.end(), [](bool x) { return x; }); };
    // The image may redirect a destination through a symlink onto /proc: a proc filesystem or a
    // bind of the host's /proc or /sys landing there would show what the masks hide.
    for (auto mount : {nlohmann::ordered_json{{"destination", "/elsewhere"}, {"type", "proc"}, {"source", "proc"}},
                       nlohmann::ordered_json{{"destination", "/host-sys"}, {"type", "sysfs"}, {"source", "sysfs"}},
                       nlohmann::ordered_json{{"destination", "/hp"}, {"type", "bind"}, {"source", "/proc/1"}, {"options", {"rbind"}}},
                       nlohmann::ordered_json{{"destination", "/all"}, {"type", "bind"}, {"source", "/"}, {"options", {"rbind"}}}}) {
        auto e = early_of([&](auto& j) { j["mounts"].push_back(mount); });
        INFO(mount.dump());
        CHECK(e.devices);  // the nodes are not what masks protect
        CHECK(none_early(e.masked));
        CHECK(none_early(e.readonly));
    }
    // Paths are compared normalized; one that cannot be placed ("..") stays after the mounts.
    auto odd = early_of([](auto& j) {
        j["mounts"].push_back({{"destination", "/proc//acpi/"}, {"type", "bind"}, {"source", "/tmp"}, {"options", {"bind"}}});
        j["linux"]["maskedPaths"].push_back("/proc/x/../kcore");
    });
    CHECK_FALSE(odd.masked[0]);   // /proc/acpi: the later bind lands on it
    CHECK(odd.masked[1]);         // /proc/asound
    CHECK_FALSE(odd.masked[10]);  // "..": not placed
}
