// linux.sysctl: key syntax, namespace rules, the plan, and (as root) the writes themselves.
#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "berth/linux/sysctl.hpp"
#include "berth/runtime/container_plan.hpp"
#include "berth/spec/parse.hpp"
#include "berth/spec/validate.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"

using namespace berth;
using nlohmann::json;

namespace {

json sysctl_config(const json& sysctl)
{
    json j = json::parse(R"({
        "ociVersion": "1.2.0",
        "root": {"path": "rootfs"},
        "process": {"args": ["sh"], "cwd": "/"},
        "linux": {"namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}]}
    })");
    j["linux"]["sysctl"] = sysctl;
    return j;
}

std::string sysctl_error(const json& j)
{
    try {
        spec::parse_config(j.dump());
    } catch (const Error& e) {
        return e.what();
    }
    return "<no error>";
}

}  // namespace

TEST_CASE("sysctl: keys name files under /proc/sys as sysctl(8) reads them", "[sysctl]")
{
    CHECK(os::sysctl_path("net.ipv4.ip_forward") == std::optional<std::string>("net/ipv4/ip_forward"));
    CHECK(os::sysctl_path("kernel.shmmax") == std::optional<std::string>("kernel/shmmax"));
    // Dotted keys: a slash is part of a name (and becomes a dot in its file name).
    CHECK(os::sysctl_path("net.ipv4.conf.eth0/100.forwarding") == std::optional<std::string>("net/ipv4/conf/eth0.100/forwarding"));
    // Slashed keys: a dot is part of a name.
    CHECK(os::sysctl_path("net/ipv4/conf/eth0.100/forwarding") == std::optional<std::string>("net/ipv4/conf/eth0.100/forwarding"));
    for (const char* bad : {"", "net..ipv4", "net.ipv4.", ".net", "net/../kernel/core_pattern", "net/./x", "net//x", "/net/x"}) {
        INFO(bad);
        CHECK_FALSE(os::sysctl_path(bad));
    }
}

TEST_CASE("sysctl: the namespace a key lives in", "[sysctl]")
{
    using spec::NamespaceType;
    CHECK(spec::sysctl_namespace("net.ipv4.ip_forward") == NamespaceType::network);
    CHECK(spec::sysctl_namespace("net/core/somaxconn") == NamespaceType::network);
    CHECK(spec::sysctl_namespace("kernel.shmmax") == NamespaceType::ipc);
    CHECK(spec::sysctl_namespace("kernel.sem") == NamespaceType::ipc);
    CHECK(spec::sysctl_namespace("fs.mqueue.msg_max") == NamespaceType::ipc);
    CHECK(spec::sysctl_namespace("kernel.domainname") == NamespaceType::uts);
    CHECK_FALSE(spec::sysctl_namespace("kernel.panic"));
    CHECK_FALSE(spec::sysctl_namespace("kernel.shmmaxx"));
    CHECK_FALSE(spec::sysctl_namespace("vm.swappiness"));
}

TEST_CASE("sysctl: validation refuses what the container does not own", "[sysctl]")
{
    CHECK(sysctl_error(sysctl_config({{"net.ipv4.ip_forward", "1"}, {"kernel.shmmax", "100"}, {"kernel.domainname", "d"}})) ==
          "<no error>");
    CHECK(sysctl_error(sysctl_config({{"net/../kernel/core_pattern", "x"}})) ==
          "config.json: .linux.sysctl[\"net/../kernel/core_pattern\"]: invalid sysctl name "
          "\"net/../kernel/core_pattern\": empty, \".\" or \"..\" component");
    CHECK(sysctl_error(sysctl_config({{"kernel.panic", "1"}})) ==
          "config.json: .linux.sysctl[\"kernel.panic\"]: sysctl \"kernel.panic\" is not in a separate kernel namespace");
    CHECK(sysctl_error(sysctl_config({{"kernel.hostname", "h"}})) ==
          "config.json: .linux.sysctl[\"kernel.hostname\"]: sysctl \"kernel.hostname\" is not allowed as it conflicts "
          "with the OCI \"hostname\" field");
    json no_ipc = sysctl_config({{"kernel.shmmax", "100"}});
    no_ipc["linux"]["namespaces"].erase(2);
    CHECK(sysctl_error(no_ipc) ==
          "config.json: .linux.sysctl[\"kernel.shmmax\"]: sysctl \"kernel.shmmax\" is not allowed in the host's IPC namespace");
    json no_uts = sysctl_config({{"kernel.domainname", "d"}});
    no_uts["linux"]["namespaces"].erase(3);
    CHECK(sysctl_error(no_uts) ==
          "config.json: .linux.sysctl[\"kernel.domainname\"]: sysctl \"kernel.domainname\" is not in a separate kernel namespace");
}

TEST_CASE("sysctl: the plan keeps the writes and refuses the host's namespace joined by path", "[sysctl]")
{
    char tmpl[] = "/tmp/berth-sysctl-XXXXXX";
    std::string dir = ::mkdtemp(tmpl);
    ::mkdir((dir + "/rootfs").c_str(), 0755);
    runtime::PlanInputs in;
    in.id = "c1";
    in.bundle = dir;
    in.rootfs = dir + "/rootfs";
    Logger log;
    auto plan = runtime::build_plan(spec::parse_config(sysctl_config({{"net.ipv4.ip_forward", "1"}, {"kernel/shmmax", "100"}}).dump()),
                                    in, log);
    REQUIRE(plan.container.sysctls.size() == 2);
    CHECK(plan.container.sysctls[0].key == "kernel/shmmax");
    CHECK(plan.container.sysctls[0].path == "kernel/shmmax");
    CHECK(plan.container.sysctls[1].path == "net/ipv4/ip_forward");
    CHECK(plan.container.sysctls[1].value == "1");
    json joined = sysctl_config({{"net.ipv4.ip_forward", "1"}});
    joined["linux"]["namespaces"][1]["path"] = "/proc/self/ns/net";
    CHECK_THROWS_WITH(runtime::build_plan(spec::parse_config(joined.dump()), in, log),
                      "config.json: .linux.sysctl[\"net.ipv4.ip_forward\"]: sysctl \"net.ipv4.ip_forward\" is not allowed in "
                      "the host's network namespace (/proc/self/ns/net)");
    remove_tree(dir);
}

TEST_CASE("sysctl: read-back comparison", "[sysctl]")
{
    CHECK(os::sysctl_value_matches("1", "1\n"));
    CHECK(os::sysctl_value_matches("250 32000 32 128", "250\t32000\t32\t128\n"));
    CHECK(os::sysctl_value_matches("0x10", "16\n"));
    CHECK(os::sysctl_value_matches("18446744073692774399", "18446744073692774399\n"));
    CHECK(os::sysctl_value_matches("-1", "-1\n"));
    CHECK(os::sysctl_value_matches("example.org", "example.org\n"));
    CHECK_FALSE(os::sysctl_value_matches("1", "0\n"));
    CHECK_FALSE(os::sysctl_value_matches("1 2", "1\n"));
    CHECK_FALSE(os::sysctl_value_matches("-1", "1\n"));
    CHECK_FALSE(os::sysctl_value_matches("abc", "abd\n"));
}

TEST_CASE("sysctl: writes go through a private procfs in the caller's namespaces", "[sysctl][root]")
{
    int pipefd[2];
    REQUIRE(::pipe2(pipefd, O_CLOEXEC) == 0);
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(pipefd[0]);
        auto report = [&](const char* what) {
            (void)!::write(pipefd[1], what, std::strlen(what));
            ::_exit(1);
        };
        if (::unshare(CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWNS) < 0) report("unshare");
        Failure f;
        std::vector<os::SysctlSetting> ok{{"net.ipv4.ip_forward", "net/ipv4/ip_forward", "1"},
                                          {"kernel.shmmax", "kernel/shmmax", "123456789"}};
        if (!os::apply_sysctls(ok, f)) report(f.msg);
        std::string fwd = read_file("/proc/sys/net/ipv4/ip_forward");
        std::string shm = read_file("/proc/sys/kernel/shmmax");
        if (fwd != "1\n" || shm != "123456789\n") report("values not written");
        std::vector<os::SysctlSetting> bad{{"net.ipv4.ip_forward", "net/ipv4/ip_forward", "nope"}};
        if (os::apply_sysctls(bad, f) || f.err != EINVAL) report("bad value accepted");
        std::vector<os::SysctlSetting> missing{{"net.ipv4.nope", "net/ipv4/nope", "1"}};
        if (os::apply_sysctls(missing, f) || f.err != ENOENT) report("missing key accepted");
        if (std::string(f.msg) != "sysctl net.ipv4.nope: open /proc/sys/net/ipv4/nope") report(f.msg);
        ::_exit(0);
    }
    ::close(pipefd[1]);
    Fd rd(pipefd[0]);
    std::string why = read_fd(rd.get());
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    INFO(why);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}
