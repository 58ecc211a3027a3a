// config.json -> InitPlan translation, and the check for fields berth does not implement.
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>

#include "berth/runtime/plan_builder.hpp"
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

runtime::InitPlan plan_for(const spec::Config& c, const Bundle& b)
{
    Logger log;
    return runtime::build_plan(c, b.inputs(), log);
}

}  // namespace

TEST_CASE("plan: the default spec", "[plan]")
{
    Bundle b;
    auto plan = plan_for(config_with([](auto&) {}), b);
    CHECK(plan.new_namespaces == (CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNS | CLONE_NEWCGROUP));
    CHECK_FALSE(plan.two_stage);
    CHECK(plan.hostname == std::optional<std::string>("berth"));
    CHECK(plan.readonly_root);
    CHECK(plan.dev_is_tmpfs);
    CHECK(plan.rootfs_propagation == (MS_SLAVE | MS_REC));
    REQUIRE(plan.mounts.size() == 7);
    CHECK(plan.mounts[0].fstype == "proc");
    CHECK(plan.mounts[6].kind == os::MountStep::Kind::cgroup);
    REQUIRE(plan.cgroup_mounts.v1.size() == 2);
    CHECK(plan.cgroup_mounts.v1[0].host_path == "/sys/fs/cgroup/memory/berth/c1");
    // CAP_AUDIT_WRITE (29), CAP_KILL (5), CAP_NET_BIND_SERVICE (10); nothing inheritable (#7).
    CHECK(plan.caps.present);
    CHECK(plan.caps.bounding == 0x20000420);
    CHECK(plan.caps.effective == 0x20000420);
    CHECK(plan.caps.inheritable == 0);
    CHECK(plan.caps.ambient == 0);
    REQUIRE(plan.rlimits.size() == 1);
    CHECK(plan.rlimits[0].limit.rlim_max == 1024);
    CHECK(plan.no_new_privileges);
    CHECK(plan.keyring_name == "_ses.c1");
    // HOME comes from the rootfs's /etc/passwd when the env lacks it.
    CHECK(plan.env.back() == "HOME=/root");
    REQUIRE(plan.argv.size() == plan.args.size() + 1);
    CHECK(plan.argv.back() == nullptr);
    CHECK(std::string(plan.argv[0]) == "sh");
}

TEST_CASE("plan: relative bind sources are taken from the bundle", "[plan]")
{
    Bundle b;
    auto plan = plan_for(config_with([](auto& j) {
        j["mounts"].push_back({{"destination", "/data"}, {"type", "bind"}, {"source", "vol"}, {"options", {"rbind", "ro"}}});
    }), b);
    const auto& m = plan.mounts.back();
    CHECK(m.kind == os::MountStep::Kind::bind);
    CHECK(m.source == b.dir + "/vol");
    CHECK(m.opts.recursive);
    CHECK((m.opts.attr_set & MOUNT_ATTR_RDONLY));
}

TEST_CASE("plan: joining namespaces by path", "[plan]")
{
    Bundle b;
    auto plan = plan_for(config_with([](auto& j) {
        for (auto& ns : j["linux"]["namespaces"])
            if (ns["type"] == "network") ns["path"] = "/proc/self/ns/net";
    }), b);
    CHECK_FALSE((plan.new_namespaces & CLONE_NEWNET));
    REQUIRE(plan.joins.size() == 1);
    CHECK(plan.joins[0].nstype == CLONE_NEWNET);
    CHECK(plan.joins[0].fd);
    CHECK_FALSE(plan.two_stage);  // joined from the init; no user namespace involved
}

TEST_CASE("plan: a new user namespace plus a joined one needs the intermediate process", "[plan]")
{
    Bundle b;
    auto plan = plan_for(config_with([](auto& j) {
        j["linux"]["namespaces"].push_back({{"type", "user"}});
        j["linux"]["uidMappings"] = {{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
        j["linux"]["gidMappings"] = {{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
        for (auto& ns : j["linux"]["namespaces"])
            if (ns["type"] == "ipc") ns["path"] = "/proc/self/ns/ipc";
    }), b);
    CHECK(plan.two_stage);
    CHECK(plan.id_maps.uid_map == "0 100000 65536\n");
}

TEST_CASE("plan: errors name the JSON path", "[plan]")
{
    Bundle b;
    auto msg = [&](const std::function<void(nlohmann::ordered_json&)>& edit) {
        try {
            plan_for(config_with(edit), b);
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK_THAT(msg([](auto& j) { j["mounts"][1]["options"].push_back("idmap"); }),
               Catch::Contains(".mounts[1].options") && Catch::Contains("idmap"));
    CHECK_THAT(msg([](auto& j) {
                   auto& ns = j["linux"]["namespaces"];
                   for (size_t i = 0; i < ns.size(); ++i)
                       if (ns[i]["type"] == "mount") ns.erase(i);
               }),
               Catch::Contains("mount namespace is required"));
    CHECK_THAT(msg([](auto& j) { j["linux"]["namespaces"][0]["path"] = "/nonexistent/ns"; }),
               Catch::Contains(".linux.namespaces[0].path") && Catch::Contains("no such file or directory"));
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
    CHECK_THAT(msg([](auto& j) { j["process"]["terminal"] = true; }), Catch::Contains(".process.terminal"));
    CHECK_THAT(msg([](auto& j) { j["hooks"]["prestart"] = {{{"path", "/bin/true"}}}; }), Catch::Contains(".hooks.prestart"));
    CHECK_THAT(msg([](auto& j) { j["linux"]["seccomp"] = {{"defaultAction", "SCMP_ACT_ALLOW"}}; }),
               Catch::Contains(".linux.seccomp"));
    CHECK_THAT(msg([](auto& j) { j["process"]["apparmorProfile"] = "x"; }), Catch::Contains(".process.apparmorProfile"));
}

TEST_CASE("home directory from /etc/passwd", "[plan]")
{
    std::string pw = "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:U:/home/user:/bin/sh\nnohome:x:7:7:::\nbad line\n";
    CHECK(runtime::home_from_passwd(pw, 0) == "/root");
    CHECK(runtime::home_from_passwd(pw, 1000) == "/home/user");
    CHECK(runtime::home_from_passwd(pw, 7) == "/");
    CHECK(runtime::home_from_passwd(pw, 42) == "/");
}
