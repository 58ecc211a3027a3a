// linux.seccomp: names and validation, the translation to BPF (checked by loading the program in
// a forked child: no privilege needed with no_new_privs), load flags, the compiled-filter
// cache, and the listener message.
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "berth/linux/seccomp.hpp"
#include "berth/runtime/container_plan.hpp"
#include "berth/runtime/seccomp_listener.hpp"
#include "berth/runtime/seccomp_plan.hpp"
#include "berth/runtime/sync.hpp"
#include "berth/spec/default_spec.hpp"
#include "berth/spec/parse.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"
#include "support.hpp"

using namespace berth;
using nlohmann::json;

namespace {

json seccomp_config(const json& seccomp)
{
    json j = json::parse(R"({
        "ociVersion": "1.2.0",
        "root": {"path": "rootfs"},
        "process": {"args": ["sh"], "cwd": "/", "noNewPrivileges": true},
        "linux": {"namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}]}
    })");
    j["linux"]["seccomp"] = seccomp;
    return j;
}

// As a container's config gives it to the filter (Linux::seccomp's text).
spec::Seccomp profile(const json& seccomp)
{
    return spec::parse_seccomp(spec::parse_config(seccomp_config(seccomp).dump()).linux->seccomp->view());
}

std::string seccomp_error(const json& seccomp)
{
    try {
        profile(seccomp);
    } catch (const Error& e) {
        return e.what();
    }
    return "<no error>";
}

os::SeccompProgram compiled(const json& seccomp)
{
    Logger log;
    spec::Seccomp s = profile(seccomp);
    os::SeccompProgram p;
    p.bpf = os::compile_seccomp(s, "config.json: .linux.seccomp", log);
    p.flags = os::seccomp_load_flags(s, "config.json: .linux.seccomp", log);
    return p;
}

// Loads the program in a forked child and returns the child's wait status; the child exits
// with body()'s value. Not dumpable: SIGSYS would otherwise dump core.
int in_filtered_child(const os::SeccompProgram& p, const std::function<int()>& body)
{
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
        ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        Failure f;
        int notify = -1;
        if (!os::load_seccomp(p, &notify, f)) ::_exit(200);
        ::_exit(body());
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    return status;
}

// getpgid(0) succeeds; the filter sees all six argument registers, so the unused ones carry
// what a rule compares. 0: allowed, else the errno the call failed with.
int getpgid_errno(uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0)
{
    long r = ::syscall(SYS_getpgid, 0, a1, a2, a3);
    return r < 0 ? errno : 0;
}

// The exit code of a child running getpgid_errno(args) under p, or 1000 + signal.
int outcome(const os::SeccompProgram& p, uint64_t a1, uint64_t a2 = 0, uint64_t a3 = 0)
{
    int status = in_filtered_child(p, [=] { return getpgid_errno(a1, a2, a3); });
    if (WIFSIGNALED(status)) return 1000 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

json rule(const char* action, json args, std::optional<int> errno_ret = std::nullopt)
{
    json r = {{"names", {"getpgid"}}, {"action", action}, {"args", std::move(args)}};
    if (errno_ret) r["errnoRet"] = *errno_ret;
    return r;
}

json arg(int index, const char* op, uint64_t value, uint64_t value_two = 0)
{
    return {{"index", index}, {"op", op}, {"value", value}, {"valueTwo", value_two}};
}

}  // namespace

TEST_CASE("seccomp: runtime-spec names", "[seccomp]")
{
    CHECK(os::seccomp_action_from_name("SCMP_ACT_KILL_PROCESS") == os::SeccompAction::kill_process);
    CHECK(os::seccomp_action_from_name("SCMP_ACT_NOTIFY") == os::SeccompAction::notify);
    CHECK_FALSE(os::seccomp_action_from_name("SCMP_ACT_ALLOWED"));
    CHECK(os::seccomp_operator_from_name("SCMP_CMP_MASKED_EQ") == os::SeccompOp::masked_eq);
    CHECK_FALSE(os::seccomp_operator_from_name("SCMP_CMP_IN"));
    CHECK(os::seccomp_arch_from_name("SCMP_ARCH_X86_64") == std::optional<std::string_view>("x86_64"));
    CHECK_FALSE(os::seccomp_arch_from_name("x86_64"));
    CHECK(os::seccomp_flag_from_name("SECCOMP_FILTER_FLAG_LOG") == unsigned{SECCOMP_FILTER_FLAG_LOG});
    CHECK_FALSE(os::seccomp_flag_from_name("SECCOMP_FILTER_FLAG_NEW_LISTENER"));  // berth's to set, not the config's
    auto archs = os::seccomp_supported_archs();
    for (const char* a : {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"})
        CHECK(std::find(archs.begin(), archs.end(), std::string_view(a)) != archs.end());
    CHECK(os::seccomp_flag_supported(SECCOMP_FILTER_FLAG_LOG));
    CHECK_FALSE(os::seccomp_flag_supported(1u << 30));
    CHECK(os::seccomp_library_version().find('.') != std::string::npos);
}

TEST_CASE("seccomp: unknown names and bad values fail with their JSON path", "[seccomp]")
{
    json allow_read = {{"names", {"read"}}, {"action", "SCMP_ACT_ALLOW"}};
    json base = {{"defaultAction", "SCMP_ACT_ERRNO"},
                 {"syscalls", {allow_read, allow_read, allow_read, allow_read}}};
    auto with = [&](const std::function<void(json&)>& edit) {
        json s = base;
        edit(s);
        return seccomp_error(s);
    };
    CHECK(with([](json&) {}) == "<no error>");
    CHECK(with([](json& s) { s["syscalls"][3]["action"] = "X"; }) ==
          "config.json: .linux.seccomp.syscalls[3].action: unknown action \"X\"");
    CHECK(with([](json& s) { s["defaultAction"] = "SCMP_ACT_DENY"; }) ==
          "config.json: .linux.seccomp.defaultAction: unknown action \"SCMP_ACT_DENY\"");
    CHECK(with([](json& s) { s["defaultAction"] = "SCMP_ACT_NOTIFY"; }) ==
          "config.json: .linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
    CHECK(with([](json& s) { s["syscalls"][1]["args"] = {arg(0, "SCMP_CMP_EQ", 1), arg(1, "SCMP_CMP_APPROX", 1)}; }) ==
          "config.json: .linux.seccomp.syscalls[1].args[1].op: unknown operator \"SCMP_CMP_APPROX\"");
    CHECK(with([](json& s) { s["syscalls"][0]["args"] = {arg(6, "SCMP_CMP_EQ", 1)}; }) ==
          "config.json: .linux.seccomp.syscalls[0].args[0].index: must be less than 6");
    CHECK(with([](json& s) { s["architectures"] = {"SCMP_ARCH_X86_64", "SCMP_ARCH_Z80"}; }) ==
          "config.json: .linux.seccomp.architectures[1]: unknown architecture \"SCMP_ARCH_Z80\"");
    CHECK(with([](json& s) { s["flags"] = {"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_FAST"}; }) ==
          "config.json: .linux.seccomp.flags[1]: unknown flag \"SECCOMP_FILTER_FLAG_FAST\"");
    CHECK(with([](json& s) { s["syscalls"][2]["names"] = {"read", ""}; }) ==
          "config.json: .linux.seccomp.syscalls[2].names[1]: empty syscall name");
    CHECK(with([](json& s) { s["syscalls"][2]["errnoRet"] = 65536; }) ==
          "config.json: .linux.seccomp.syscalls[2].errnoRet: must be at most 65535");
    CHECK(with([](json& s) { s["defaultErrnoRet"] = 70000; }) ==
          "config.json: .linux.seccomp.defaultErrnoRet: must be at most 65535");
    CHECK(with([](json& s) { s["syscalls"][2]["action"] = "SCMP_ACT_NOTIFY"; }) ==
          "config.json: .linux.seccomp.listenerPath: required when a rule uses SCMP_ACT_NOTIFY");
}

TEST_CASE("seccomp: every action does what it says", "[seccomp]")
{
    // Default ALLOW; a1 selects the rule.
    auto p = compiled({{"defaultAction", "SCMP_ACT_ALLOW"},
                       {"syscalls",
                        {rule("SCMP_ACT_ERRNO", {arg(1, "SCMP_CMP_EQ", 1)}, 101), rule("SCMP_ACT_ERRNO", {arg(1, "SCMP_CMP_EQ", 2)}),
                         rule("SCMP_ACT_KILL", {arg(1, "SCMP_CMP_EQ", 3)}), rule("SCMP_ACT_KILL_PROCESS", {arg(1, "SCMP_CMP_EQ", 4)}),
                         rule("SCMP_ACT_KILL_THREAD", {arg(1, "SCMP_CMP_EQ", 5)}), rule("SCMP_ACT_TRAP", {arg(1, "SCMP_CMP_EQ", 6)}),
                         rule("SCMP_ACT_TRACE", {arg(1, "SCMP_CMP_EQ", 7)}), rule("SCMP_ACT_LOG", {arg(1, "SCMP_CMP_EQ", 8)}),
                         rule("SCMP_ACT_ALLOW", {arg(1, "SCMP_CMP_EQ", 9)})}}});
    CHECK(p.flags == 0);
    CHECK(outcome(p, 0) == 0);
    CHECK(outcome(p, 1) == 101);
    CHECK(outcome(p, 2) == EPERM);  // errnoRet defaults to EPERM, as in runc
    CHECK(outcome(p, 3) == 1000 + SIGSYS);
    CHECK(outcome(p, 4) == 1000 + SIGSYS);
    CHECK(outcome(p, 5) == 1000 + SIGSYS);
    CHECK(outcome(p, 6) == 1000 + SIGSYS);
    CHECK(outcome(p, 7) == ENOSYS);  // no tracer
    CHECK(outcome(p, 8) == 0);
    CHECK(outcome(p, 9) == 0);
}

TEST_CASE("seccomp: every operator compares all 64 bits", "[seccomp]")
{
    // a1 selects the rule, a2 is compared.
    auto r = [](int k, const char* op, uint64_t v, uint64_t v2 = 0) {
        return rule("SCMP_ACT_ERRNO", {arg(1, "SCMP_CMP_EQ", static_cast<uint64_t>(k)), arg(2, op, v, v2)}, 10 + k);
    };
    auto p = compiled({{"defaultAction", "SCMP_ACT_ALLOW"},
                       {"syscalls",
                        {r(1, "SCMP_CMP_NE", 7), r(2, "SCMP_CMP_LT", 7), r(3, "SCMP_CMP_LE", 7), r(4, "SCMP_CMP_EQ", 7),
                         r(5, "SCMP_CMP_GE", 7), r(6, "SCMP_CMP_GT", 7), r(7, "SCMP_CMP_MASKED_EQ", 0xf0, 0x30),
                         r(8, "SCMP_CMP_EQ", 0x100000007ull)}}});
    CHECK(outcome(p, 1, 7) == 0);
    CHECK(outcome(p, 1, 8) == 11);
    CHECK(outcome(p, 2, 6) == 12);
    CHECK(outcome(p, 2, 7) == 0);
    CHECK(outcome(p, 3, 7) == 13);
    CHECK(outcome(p, 3, 8) == 0);
    CHECK(outcome(p, 4, 7) == 14);
    CHECK(outcome(p, 4, 6) == 0);
    CHECK(outcome(p, 5, 7) == 15);
    CHECK(outcome(p, 5, 6) == 0);
    CHECK(outcome(p, 6, 8) == 16);
    CHECK(outcome(p, 6, 7) == 0);
    CHECK(outcome(p, 7, 0x3f) == 17);  // mask 0xf0, then equal to 0x30
    CHECK(outcome(p, 7, 0x4f) == 0);
    CHECK(outcome(p, 8, 0x100000007ull) == 18);
    CHECK(outcome(p, 8, 7) == 0);
}

TEST_CASE("seccomp: several comparisons of one argument are alternatives, as in runc", "[seccomp]")
{
    auto p = compiled({{"defaultAction", "SCMP_ACT_ALLOW"},
                       {"syscalls", {rule("SCMP_ACT_ERRNO", {arg(3, "SCMP_CMP_EQ", 1), arg(3, "SCMP_CMP_EQ", 2)}, 19)}}});
    CHECK(outcome(p, 0, 0, 1) == 19);
    CHECK(outcome(p, 0, 0, 2) == 19);
    CHECK(outcome(p, 0, 0, 3) == 0);
}

TEST_CASE("seccomp: the default action and its errno", "[seccomp]")
{
    json allow = {{"names", {"exit_group", "exit", "getpgid"}}, {"action", "SCMP_ACT_ALLOW"}};
    auto p = compiled({{"defaultAction", "SCMP_ACT_ERRNO"}, {"defaultErrnoRet", 38}, {"syscalls", {allow}}});
    auto getppid_errno = [] { return ::syscall(SYS_getppid) < 0 ? errno : 0; };
    CHECK(WEXITSTATUS(in_filtered_child(p, getppid_errno)) == 38);
    CHECK(WEXITSTATUS(in_filtered_child(p, [] { return getpgid_errno(); })) == 0);
    auto eperm = compiled({{"defaultAction", "SCMP_ACT_ERRNO"}, {"syscalls", {allow}}});
    CHECK(WEXITSTATUS(in_filtered_child(eperm, getppid_errno)) == EPERM);
    // A rule that does what the default does is dropped (libseccomp would refuse it).
    CHECK_NOTHROW(compiled({{"defaultAction", "SCMP_ACT_ERRNO"},
                            {"syscalls", {allow, {{"names", {"getppid"}}, {"action", "SCMP_ACT_ERRNO"}}}}}));
}

TEST_CASE("seccomp: architectures are added to the filter", "[seccomp]")
{
    if (os::seccomp_native_arch() != "x86_64") return;  // the names below are x86's
    json s = {{"defaultAction", "SCMP_ACT_ALLOW"}, {"syscalls", {rule("SCMP_ACT_ERRNO", {arg(1, "SCMP_CMP_EQ", 1)}, 101)}}};
    auto native = compiled(s);
    s["architectures"] = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
    auto three = compiled(s);
    CHECK(three.bpf.size() > native.bpf.size());
    CHECK(outcome(three, 1) == 101);
    auto archs = os::seccomp_supported_archs();
    if (std::find(archs.begin(), archs.end(), std::string_view("SCMP_ARCH_LOONGARCH64")) == archs.end()) {
        s["architectures"] = {"SCMP_ARCH_X86_64", "SCMP_ARCH_LOONGARCH64"};
        CHECK_THROWS_WITH(compiled(s), Catch::StartsWith("config.json: .linux.seccomp.architectures[1]: architecture "
                                                         "SCMP_ARCH_LOONGARCH64 is not supported by libseccomp "));
    }
}

TEST_CASE("seccomp: a syscall libseccomp does not know is skipped, at debug level", "[seccomp]")
{
    std::FILE* tmp = std::tmpfile();
    REQUIRE(tmp);
    Logger log(::fileno(tmp));
    log.open("", LogFormat::text, true);
    spec::Seccomp s = profile({{"defaultAction", "SCMP_ACT_ALLOW"},
                               {"syscalls", {{{"names", {"no_such_syscall", "getpgid"}}, {"action", "SCMP_ACT_ERRNO"}, {"errnoRet", 77}}}}});
    os::SeccompProgram p;
    p.bpf = os::compile_seccomp(s, "config.json: .linux.seccomp", log);
    CHECK(outcome(p, 0) == 77);
    char buf[1024] = {};
    REQUIRE(::pread(::fileno(tmp), buf, sizeof buf - 1, 0) > 0);
    std::fclose(tmp);
    CHECK_THAT(std::string(buf), Catch::Contains("berth: debug: config.json: .linux.seccomp.syscalls[0].names[0]: syscall "
                                                 "\"no_such_syscall\" is unknown to libseccomp"));
}

TEST_CASE("seccomp: load flags", "[seccomp]")
{
    Logger log;
    auto flags = [&](const json& s) { return os::seccomp_load_flags(profile(s), "config.json: .linux.seccomp", log); };
    json notify = {{"names", {"getpgid"}}, {"action", "SCMP_ACT_NOTIFY"}};
    CHECK(flags({{"defaultAction", "SCMP_ACT_ALLOW"}}) == 0);
    CHECK(flags({{"defaultAction", "SCMP_ACT_ALLOW"}, {"flags", {"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"}}}) ==
          (SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW));
    CHECK(flags({{"defaultAction", "SCMP_ACT_ALLOW"}, {"listenerPath", "/l"}, {"syscalls", {notify}}}) ==
          SECCOMP_FILTER_FLAG_NEW_LISTENER);
    CHECK(flags({{"defaultAction", "SCMP_ACT_ALLOW"}, {"listenerPath", "/l"}, {"syscalls", {notify}},
                 {"flags", {"SECCOMP_FILTER_FLAG_TSYNC"}}}) ==
          (SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_TSYNC_ESRCH));
    json killable = {{"defaultAction", "SCMP_ACT_ALLOW"}, {"listenerPath", "/l"}, {"syscalls", {notify}},
                     {"flags", {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"}}};
    if (os::seccomp_flag_supported(SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV))  // Linux >= 5.19
        CHECK(flags(killable) == (SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV));
    else
        CHECK_THROWS_WITH(flags(killable), "config.json: .linux.seccomp.flags[0]: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV "
                                           "is not supported by the running kernel");
    // Without a listener WAIT_KILLABLE_RECV means nothing (and the kernel would refuse it).
    CHECK(flags({{"defaultAction", "SCMP_ACT_ALLOW"}, {"flags", {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"}}}) == 0);
    // The flags load: a child with TSYNC and LOG runs under the filter.
    auto p = compiled({{"defaultAction", "SCMP_ACT_ALLOW"}, {"flags", {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG"}},
                       {"syscalls", {rule("SCMP_ACT_ERRNO", {arg(1, "SCMP_CMP_EQ", 1)}, 55)}}});
    CHECK(outcome(p, 1) == 55);
}

TEST_CASE("seccomp: a notifying rule hands its calls to the listener fd", "[seccomp]")
{
    auto p = compiled({{"defaultAction", "SCMP_ACT_ALLOW"},
                       {"listenerPath", "/unused"},
                       {"syscalls", {{{"names", {"getpgid"}}, {"action", "SCMP_ACT_NOTIFY"}, {"args", {arg(1, "SCMP_CMP_EQ", 42)}}}}}});
    REQUIRE(p.listener());
    int sv[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0);
    Fd parent_end(sv[0]), child_end(sv[1]);
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        Failure f;
        int notify = -1;
        if (!os::load_seccomp(p, &notify, f) || notify < 0) ::_exit(200);
        if (!runtime::sync_send(child_end.get(), runtime::SyncType::seccomp_fd, 0, notify)) ::_exit(201);
        ::close(notify);
        long r = ::syscall(SYS_getpgid, 0, 42);  // answered by the test: 4242
        ::_exit(r == 4242 ? 0 : 202);
    }
    child_end.reset();
    runtime::SyncMsg m;
    Fd notify;
    REQUIRE(runtime::sync_recv(parent_end.get(), m, &notify) == 1);
    CHECK(m.type == runtime::SyncType::seccomp_fd);
    REQUIRE(notify);
    struct seccomp_notif req {};
    REQUIRE(::ioctl(notify.get(), SECCOMP_IOCTL_NOTIF_RECV, &req) == 0);
    CHECK(req.data.args[1] == 42);
    struct seccomp_notif_resp resp {};
    resp.id = req.id;
    resp.val = 4242;
    REQUIRE(::ioctl(notify.get(), SECCOMP_IOCTL_NOTIF_SEND, &resp) == 0);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("seccomp: the plan decides when the filter goes in", "[seccomp]")
{
    Logger log;
    auto filter = [&](const json& j) { return runtime::seccomp_filter(j.dump(), "", log); };
    json allow = {{"defaultAction", "SCMP_ACT_ALLOW"}};
    runtime::ProcessPlan p;
    p.no_new_privileges = true;
    CHECK_FALSE(runtime::plan_seccomp(filter(allow), p).before_identity);
    p.no_new_privileges = false;
    p.identity.uid = 0;  // keeps all of berth's capabilities
    CHECK_FALSE(runtime::plan_seccomp(filter(allow), p).before_identity);
    p.caps.present = true;
    p.caps.effective = uint64_t{1} << 21;  // CAP_SYS_ADMIN
    CHECK_FALSE(runtime::plan_seccomp(filter(allow), p).before_identity);
    p.caps.effective = uint64_t{1} << 5;
    CHECK(runtime::plan_seccomp(filter(allow), p).before_identity);
    // The listener goes with the filter only where a rule notifies.
    json notify = {{"defaultAction", "SCMP_ACT_ALLOW"},
                   {"listenerPath", "/l"},
                   {"listenerMetadata", "m"},
                   {"syscalls", {{{"names", {"mkdir"}}, {"action", "SCMP_ACT_NOTIFY"}}}}};
    auto f = filter(notify);
    CHECK(f.listener_path == "/l");
    CHECK(f.listener_metadata == "m");
    CHECK(runtime::plan_seccomp(f, p).listener());
    json no_rule = notify;
    no_rule["syscalls"][0]["action"] = "SCMP_ACT_ERRNO";
    CHECK(filter(no_rule).listener_path.empty());
    // NOTIFY on sendmsg would block the init's own hand-over of the listener fd.
    json bad = notify;
    bad["syscalls"][0]["names"] = {"mkdir", "sendmsg"};
    CHECK_THROWS_WITH(filter(bad), Catch::StartsWith("config.json: .linux.seccomp.syscalls[0].names[1]: SCMP_ACT_NOTIFY "
                                                     "cannot be used for sendmsg"));
    // The profile's contents are checked here (parse_config keeps its text).
    CHECK_THROWS_WITH(filter({{"defaultAction", "SCMP_ACT_DENY"}}),
                      "config.json: .linux.seccomp.defaultAction: unknown action \"SCMP_ACT_DENY\"");
}

TEST_CASE("seccomp: compiled filters are cached and checked before use", "[seccomp]")
{
    test::TempDir tmp{"berth-seccomp"};
    std::string dir = tmp.path + "/~seccomp";
    json j = {{"defaultAction", "SCMP_ACT_ERRNO"},
              {"architectures", {"SCMP_ARCH_X86_64"}},
              {"listenerPath", "/run/l.sock"},
              {"listenerMetadata", "meta"},
              {"syscalls",
               {{{"names", {"read", "write"}}, {"action", "SCMP_ACT_ALLOW"}},
                {{"names", {"mkdir"}}, {"action", "SCMP_ACT_NOTIFY"}}}}};
    const std::string text = j.dump();
    auto key = runtime::seccomp_cache_key(text);
    // The profile's text is the key, byte for byte, next to what else shapes the program.
    CHECK(key.profile == text);
    CHECK(key.head == runtime::seccomp_cache_key(text).head);
    CHECK_THAT(key.head, Catch::Contains("libseccomp " + os::seccomp_library_version()) && Catch::Contains("kernel ") &&
                             Catch::Contains("exe "));

    runtime::SeccompCache cache(dir);
    CHECK_FALSE(cache.load(key));
    Logger log;
    runtime::SeccompFilter f = runtime::seccomp_filter(text, "", log);
    REQUIRE(f.listener_path == "/run/l.sock");
    cache.store(key, f);
    struct stat st;
    REQUIRE(::stat(cache.path_for(key).c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    REQUIRE(::stat(dir.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);
    auto back = cache.load(key);
    REQUIRE(back);
    REQUIRE(back->bpf.size() == f.bpf.size());
    CHECK(std::memcmp(back->bpf.data(), f.bpf.data(), f.bpf.size() * sizeof f.bpf[0]) == 0);
    CHECK(back->flags == f.flags);
    CHECK(back->listener_path == f.listener_path);
    CHECK(back->listener_metadata == "meta");
    // Another key never gets this filter, even if it lands on the same file: a profile that
    // differs in one byte (here only in spacing), or another head.
    const std::string spaced = j.dump(1);
    auto other_key = runtime::seccomp_cache_key(spaced);
    write_file_atomic(cache.path_for(other_key), read_file(cache.path_for(key)), 0600);
    CHECK_FALSE(cache.load(other_key));
    auto other_head = key;
    other_head.head.back() = '\t';
    write_file_atomic(cache.path_for(other_head), read_file(cache.path_for(key)), 0600);
    CHECK_FALSE(cache.load(other_head));

    const std::string good = read_file(cache.path_for(key));
    const size_t bpf_bytes = f.bpf.size() * sizeof f.bpf[0];
    auto rejected = [&](const std::string& content, unsigned mode = 0600) {
        ::unlink(cache.path_for(key).c_str());
        write_file_atomic(cache.path_for(key), content, mode);
        ::chmod(cache.path_for(key).c_str(), mode);
        return !cache.load(key);
    };
    auto flipped = [&](size_t offset) {
        std::string s = good;
        s[offset] ^= 0x01;
        return s;
    };
    CHECK_FALSE(rejected(good));
    CHECK(rejected(flipped(good.size() - 3)));                                // one bit of the program
    CHECK(rejected(flipped(good.size() - bpf_bytes - 2)));                   // of the listener's metadata
    CHECK(rejected(flipped(good.size() - bpf_bytes - 4 - 3)));               // of its path
    CHECK(rejected(flipped(good.size() - bpf_bytes - 4 - 11 - text.size() / 2)));  // of the stored profile
    CHECK(rejected(flipped(80)));                                            // of the stored head
    CHECK(rejected(flipped(16 + 3 * 8)));                                    // of the header's flags
    CHECK(rejected(good.substr(0, good.size() - sizeof f.bpf[0])));          // truncated
    CHECK(rejected(good + std::string(sizeof f.bpf[0], '\0')));              // extended
    CHECK(rejected(std::string(good.size(), '\0')));
    CHECK(rejected(good, 0644));  // others could read it: not ours as written
    ::unlink(cache.path_for(key).c_str());
    REQUIRE(::symlink("/etc/passwd", cache.path_for(key).c_str()) == 0);
    CHECK_FALSE(cache.load(key));
    ::unlink(cache.path_for(key).c_str());

    // seccomp_filter compiles once, then reads the cache.
    std::FILE* out = std::tmpfile();
    REQUIRE(out);
    Logger dbg(::fileno(out));
    dbg.open("", LogFormat::text, true);
    auto first = runtime::seccomp_filter(text, dir, dbg);
    auto second = runtime::seccomp_filter(text, dir, dbg);
    REQUIRE(first.bpf.size() == second.bpf.size());
    CHECK(std::memcmp(first.bpf.data(), second.bpf.data(), first.bpf.size() * sizeof first.bpf[0]) == 0);
    CHECK(second.listener_path == "/run/l.sock");
    char buf[2048] = {};
    REQUIRE(::pread(::fileno(out), buf, sizeof buf - 1, 0) > 0);
    std::fclose(out);
    CHECK_THAT(std::string(buf), Catch::Contains("seccomp: compiled ") && Catch::Contains(" instructions from " + cache.path_for(key)));
}

TEST_CASE("seccomp: the listener gets the container process state and the fd", "[seccomp]")
{
    runtime::ContainerProcessState st{"c1", 4711, "/b", {{"k", "v"}}, "meta"};
    json j = json::parse(runtime::container_process_state_json(st));
    CHECK(j["fds"] == json{"seccompFd"});
    CHECK(j["pid"] == 4711);
    CHECK(j["metadata"] == "meta");
    CHECK(j["ociVersion"].is_string());
    CHECK(j["state"]["id"] == "c1");
    CHECK(j["state"]["status"] == "creating");
    CHECK(j["state"]["pid"] == 4711);
    CHECK(j["state"]["bundle"] == "/b");
    CHECK(j["state"]["annotations"]["k"] == "v");
    st.metadata.clear();
    CHECK_FALSE(json::parse(runtime::container_process_state_json(st)).contains("metadata"));

    test::TempDir tmp{"berth-seccomp"};
    std::string path = tmp.path + "/listener.sock";
    Fd server(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    struct sockaddr_un addr {};
    addr.sun_family = AF_UNIX;
    std::strcpy(addr.sun_path, path.c_str());
    REQUIRE(::bind(server.get(), reinterpret_cast<struct sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(server.get(), 1) == 0);
    Fd sent(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    std::string text = runtime::container_process_state_json(st);
    runtime::send_to_seccomp_listener(path, text, sent.get());
    Fd conn(::accept4(server.get(), nullptr, nullptr, SOCK_CLOEXEC));
    REQUIRE(conn);
    char data[4096];
    struct iovec iov {data, sizeof data};
    alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    struct msghdr h {};
    h.msg_iov = &iov;
    h.msg_iovlen = 1;
    h.msg_control = control;
    h.msg_controllen = sizeof control;
    ssize_t n = ::recvmsg(conn.get(), &h, MSG_CMSG_CLOEXEC);
    REQUIRE(n == static_cast<ssize_t>(text.size()));
    CHECK(std::string(data, static_cast<size_t>(n)) == text);
    struct cmsghdr* c = CMSG_FIRSTHDR(&h);
    REQUIRE(c);
    CHECK(c->cmsg_type == SCM_RIGHTS);
    int got;
    std::memcpy(&got, CMSG_DATA(c), sizeof got);
    Fd received(got);
    struct stat a, b;
    REQUIRE(::fstat(sent.get(), &a) == 0);
    REQUIRE(::fstat(received.get(), &b) == 0);
    CHECK(a.st_rdev == b.st_rdev);
    CHECK_THROWS_WITH(runtime::send_to_seccomp_listener(tmp.path + "/missing.sock", text, sent.get()),
                      Catch::Contains("seccomp listener " + tmp.path + "/missing.sock: connect: no such file or directory"));
}
