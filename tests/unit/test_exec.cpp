// exec: the process it runs (from flags or a --process file) and where its command line starts.
#include <catch2/catch.hpp>

#include "berth/runtime/exec_process.hpp"
#include "berth/spec/parse.hpp"
#include "berth/util/args.hpp"
#include "berth/util/error.hpp"

using namespace berth;
using runtime::exec_process;
using runtime::ExecOptions;

namespace {

spec::Process container_process()
{
    return spec::parse_process(R"({"args": ["sleep", "1000"], "env": ["PATH=/bin", "KEEP=1", "OVERRIDE=old"],
        "cwd": "/", "user": {"uid": 0, "gid": 0}, "terminal": true, "consoleSize": {"height": 10, "width": 20},
        "capabilities": {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]}})",
                               "config.json");
}

std::string exec_error(const ExecOptions& o, const std::optional<std::string>& file = std::nullopt)
{
    try {
        exec_process(o, container_process(), file);
    } catch (const Error& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("exec: the container's process with the command line's args and overrides", "[exec]")
{
    ExecOptions o;
    o.args = {"sh", "-c", "true"};
    o.env = {"OVERRIDE=new", "ADDED=2"};
    o.cwd = "/tmp";
    o.user = "1000:1001";
    o.additional_gids = {"5", "6"};
    o.caps = {"CAP_NET_ADMIN", "sys_chroot", "CAP_KILL"};
    o.no_new_privs = true;
    auto ep = exec_process(o, container_process(), std::nullopt);
    const auto& p = ep.process;
    CHECK(p.args == std::vector<std::string>{"sh", "-c", "true"});
    CHECK(p.env == std::vector<std::string>{"PATH=/bin", "KEEP=1", "OVERRIDE=new", "ADDED=2"});
    CHECK(p.cwd == "/tmp");
    CHECK(p.user.uid == 1000);
    CHECK(p.user.gid == 1001);
    CHECK(p.user.additional_gids == std::vector<uint32_t>{5, 6});
    CHECK(p.capabilities->bounding == std::vector<std::string>{"CAP_KILL", "CAP_NET_ADMIN", "CAP_SYS_CHROOT"});
    CHECK(p.capabilities->effective == p.capabilities->bounding);
    CHECK(p.capabilities->permitted == p.capabilities->bounding);
    CHECK(p.capabilities->inheritable.empty());
    CHECK(p.no_new_privileges);
    // The container's terminal is the container's: an exec has one only with --tty.
    CHECK_FALSE(p.terminal);
    CHECK_FALSE(p.console_size);
    CHECK(ep.source.file == "config.json");
}

TEST_CASE("exec: --user is numeric, uid[:gid], and nothing else", "[exec]")
{
    spec::User u;
    u.gid = 7;
    runtime::parse_exec_user("1", u);
    CHECK(u.uid == 1);
    CHECK(u.gid == 7);  // only the uid given: the container's gid stays
    runtime::parse_exec_user("0:0", u);
    CHECK(u.uid == 0);
    CHECK(u.gid == 0);
    for (const char* bad : {"root", "1:abc", " 1", "1 ", "+1", "-1", "1:", ":1", "0x10", "4294967295", "99999999999"}) {
        INFO(bad);
        CHECK_THROWS_AS(runtime::parse_exec_user(bad, u), Error);
    }
}

TEST_CASE("exec: errors name the flag", "[exec]")
{
    ExecOptions o;
    CHECK_THAT(exec_error(o), Catch::Contains("no command given"));
    o.args = {"true"};
    o.env = {"NOEQUALS"};
    CHECK_THAT(exec_error(o), Catch::Contains("--env \"NOEQUALS\""));
    o.env.clear();
    o.caps = {"CAP_NOT_A_CAP"};
    CHECK_THAT(exec_error(o), Catch::Contains("--cap \"CAP_NOT_A_CAP\": unknown capability"));
    o.caps.clear();
    o.additional_gids = {"wheel"};
    CHECK_THAT(exec_error(o), Catch::Contains("--additional-gids \"wheel\""));
    o.additional_gids.clear();
    o.cwd = "relative";
    CHECK_THAT(exec_error(o), Catch::Contains("config.json: .process.cwd"));
}

TEST_CASE("exec: --process is the whole process; flags that would change it are refused", "[exec]")
{
    ExecOptions o;
    o.process_file = "/run/p.json";
    const std::string file = R"({"args": ["sh"], "cwd": "/work", "env": ["A=1"], "terminal": true})";
    auto ep = exec_process(o, container_process(), file);
    CHECK(ep.process.args == std::vector<std::string>{"sh"});
    CHECK(ep.process.cwd == "/work");
    CHECK(ep.process.terminal);
    CHECK(ep.source.file == "/run/p.json");
    CHECK(ep.source.path.empty());
    o.tty = true;  // conmon's --tty with a file that asks for a terminal
    CHECK(exec_error(o, file) == "no error");
    CHECK_THAT(exec_error(o, std::string(R"({"args": ["sh"], "cwd": "/"})")), Catch::Contains("terminal: false"));
    o.tty = false;
    o.cwd = "/tmp";
    CHECK_THAT(exec_error(o, file), Catch::Contains("--cwd cannot be combined with --process"));
    o.cwd.clear();
    o.args = {"ls"};
    CHECK_THAT(exec_error(o, file), Catch::Contains("command after the container id"));
    o.args.clear();
    CHECK_THAT(exec_error(o, std::string(R"({"args": "sh", "cwd": "/"})")), Catch::Contains("/run/p.json: .args"));
}

TEST_CASE("exec: the command's own flags are never berth's", "[exec][args]")
{
    const std::set<std::string> global{"--root", "--log"};
    const std::set<std::string> exec_flags{"--process", "-p", "--env", "-e", "--user", "-u", "--pid-file"};
    auto run = [&](std::vector<std::string> raw) { return end_exec_options(raw, raw, global, exec_flags); };
    CHECK(run({"--root", "/r", "exec", "-e", "A=1", "c1", "sh", "-c", "x"}) ==
          std::vector<std::string>{"--root", "/r", "exec", "-e", "A=1", "c1", "--", "sh", "-c", "x"});
    CHECK(run({"exec", "-d", "c1", "--", "echo", "-d"}) == std::vector<std::string>{"exec", "-d", "c1", "--", "echo", "-d"});
    CHECK(run({"exec", "c1"}) == std::vector<std::string>{"exec", "c1", "--"});
    CHECK(run({"state", "c1", "-x"}) == std::vector<std::string>{"state", "c1", "-x"});
    // After the id, the raw arguments: the single-dash rewrite stops there.
    std::vector<std::string> raw{"exec", "-pid-file", "/p", "c1", "ls", "-root"};
    std::vector<std::string> normalized{"exec", "--pid-file", "/p", "c1", "ls", "--root"};
    CHECK(end_exec_options(raw, normalized, global, exec_flags) ==
          std::vector<std::string>{"exec", "--pid-file", "/p", "c1", "--", "ls", "-root"});
}
