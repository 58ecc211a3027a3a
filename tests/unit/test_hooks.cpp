// Hooks: the state JSON, the prepared lists, and the runner against real processes (no root).
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "berth/runtime/hooks.hpp"
#include "berth/spec/parse.hpp"
#include "berth/spec/version.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"

using namespace berth;
using namespace berth::runtime;

namespace {

struct HookDir {
    std::string path;
    HookDir()
    {
        char tmpl[] = "/tmp/berth-hooks-test.XXXXXX";
        REQUIRE(::mkdtemp(tmpl));
        path = tmpl;
    }
    ~HookDir() { std::filesystem::remove_all(path); }
    std::string operator/(const std::string& name) const { return path + "/" + name; }
};

spec::Config config_with_hooks(const std::string& hooks_json)
{
    return spec::parse_config(R"({"ociVersion": "1.2.0", "root": {"path": "rootfs"},
        "process": {"args": ["sh"], "cwd": "/"}, "hooks": )" + hooks_json + "}");
}

// One shell hook, prepared and finalized.
HookList shell_hook(const std::string& script, int64_t timeout_ms = 0,
                    std::optional<std::vector<std::string>> env = std::nullopt)
{
    HookList list;
    list.state = hook_state("c1", "creating", "/b", {});
    PreparedHook h;
    h.where = ".hooks.createRuntime[0]";
    h.path = "/bin/sh";
    h.args = {"sh", "-c", script, "hook-arg0", "a b"};
    h.env = std::move(env);
    h.timeout_ms = timeout_ms;
    list.hooks.push_back(std::move(h));
    list.finalize_pointers();
    return list;
}

char* no_env[] = {nullptr};

}  // namespace

TEST_CASE("hooks: the state JSON has the runtime-spec fields in runc's order", "[hooks]")
{
    HookState st = hook_state("c\"1", "creating", "/b/x", {{"k", "v"}});
    std::string text = st.with_pid(42);
    auto j = nlohmann::ordered_json::parse(text);
    std::vector<std::string> keys;
    for (auto& [k, v] : j.items()) keys.push_back(k);
    CHECK(keys == std::vector<std::string>{"ociVersion", "id", "status", "pid", "bundle", "annotations"});
    CHECK(j["ociVersion"] == std::string(spec::oci_version));
    CHECK(j["id"] == "c\"1");
    CHECK(j["status"] == "creating");
    CHECK(j["pid"] == 42);
    CHECK(j["bundle"] == "/b/x");
    CHECK(j["annotations"]["k"] == "v");
    // No annotations: no member, as runc.
    CHECK_FALSE(nlohmann::json::parse(hook_state("c", "stopped", "/b", {}).with_pid(0)).contains("annotations"));
}

TEST_CASE("hooks: each kind's hooks in config order, named by JSON path", "[hooks]")
{
    auto c = config_with_hooks(R"({
        "prestart": [{"path": "/p"}],
        "createRuntime": [{"path": "/a", "args": ["a0", "x"], "env": ["E=1"], "timeout": 3}, {"path": "/b", "env": []}],
        "poststop": [{"path": "/z"}]})");
    CHECK(hooks_of(c.hooks, HookKind::create_container).empty());
    CHECK(hooks_of(c.hooks, HookKind::prestart).size() == 1);
    CHECK(hooks_of(config_with_hooks("{}").hooks, HookKind::poststop).empty());
    HookList l = prepare_hooks(c.hooks, HookKind::create_runtime, hook_state("id", "creating", "/b", {}));
    l.finalize_pointers();
    REQUIRE(l.hooks.size() == 2);
    CHECK(l.hooks[0].where == ".hooks.createRuntime[0]");
    CHECK(l.hooks[1].where == ".hooks.createRuntime[1]");
    CHECK(l.hooks[0].timeout_ms == 3000);
    CHECK(l.hooks[1].timeout_ms == 0);
    CHECK(std::string(l.hooks[0].argv[0]) == "a0");
    CHECK(std::string(l.hooks[0].argv[1]) == "x");
    CHECK(l.hooks[0].argv[2] == nullptr);
    CHECK(std::string(l.hooks[0].envp[0]) == "E=1");
    // No args: argv is the path alone. An empty env is an empty environment, not an absent one.
    CHECK(std::string(l.hooks[1].argv[0]) == "/b");
    REQUIRE(l.hooks[1].env);
    CHECK(l.hooks[1].envp.size() == 1);
    std::vector<std::string> names;
    for (auto k : hook_kinds) names.emplace_back(hook_kind_name(k));
    CHECK(names == std::vector<std::string>{"prestart", "createRuntime", "createContainer", "startContainer",
                                            "poststart", "poststop"});
}

TEST_CASE("hooks: a hook gets the state on stdin, its args and its env", "[hooks]")
{
    HookDir d;
    auto list = shell_hook("cat > " + (d / "stdin") + "; tr '\\0' '\\n' < /proc/$$/cmdline > " + (d / "argv") +
                               "; echo \"$E|$HOME\" > " + (d / "env"),
                           0, std::vector<std::string>{"E=given"});
    Failure f;
    REQUIRE(run_hooks(list, 77, no_env, f));
    auto st = nlohmann::json::parse(read_file(d / "stdin"));
    CHECK(st["pid"] == 77);
    CHECK(st["id"] == "c1");
    CHECK(read_file(d / "argv").substr(0, 3) == "sh\n");
    CHECK_THAT(read_file(d / "argv"), Catch::EndsWith("\nhook-arg0\na b\n"));
    CHECK(read_file(d / "env") == "given|\n");

    // Without env: the default environment the caller passes.
    char e[] = "E=default";
    char* dflt[] = {e, nullptr};
    auto inherit = shell_hook("echo \"$E\" > " + (d / "env"));
    REQUIRE(run_hooks(inherit, 1, dflt, f));
    CHECK(read_file(d / "env") == "default\n");
}

TEST_CASE("hooks: a failing hook is named with its exit status and stderr", "[hooks]")
{
    Failure f;
    CHECK_FALSE(run_hooks(shell_hook("echo first >&2; echo 'went wrong' >&2; exit 3"), 1, no_env, f));
    CHECK(std::string(f.msg) == "hook .hooks.createRuntime[0] (/bin/sh): exited with status 3: first went wrong");
    CHECK(f.err == 0);

    CHECK_FALSE(run_hooks(shell_hook("kill -9 $$"), 1, no_env, f));
    CHECK(std::string(f.msg) == "hook .hooks.createRuntime[0] (/bin/sh): killed by SIGKILL");

    HookList missing = shell_hook("");
    missing.hooks[0].path = "/nonexistent/hook";
    missing.finalize_pointers();
    CHECK_FALSE(run_hooks(missing, 1, no_env, f));
    CHECK(f.err == ENOENT);
    CHECK(std::string(f.msg) == "hook .hooks.createRuntime[0] (/nonexistent/hook): exec");
    CHECK_THAT(failure_error(f).message(), Catch::EndsWith("exec: no such file or directory"));
}

TEST_CASE("hooks: the first failure stops the list", "[hooks]")
{
    HookDir d;
    HookList list = shell_hook("exit 1");
    PreparedHook second;
    second.where = ".hooks.createRuntime[1]";
    second.path = "/bin/sh";
    second.args = {"sh", "-c", "touch " + (d / "ran")};
    list.hooks.push_back(std::move(second));
    list.finalize_pointers();
    Failure f;
    CHECK_FALSE(run_hooks(list, 1, no_env, f));
    CHECK_THAT(f.msg, Catch::Contains("[0]"));
    CHECK_FALSE(path_exists(d / "ran"));
}

TEST_CASE("hooks: a timeout kills the hook and what it started", "[hooks]")
{
    HookDir d;
    auto start = std::chrono::steady_clock::now();
    Failure f;
    CHECK_FALSE(run_hooks(shell_hook("sleep 30 & echo $! > " + (d / "child") + "; echo waiting >&2; wait", 300), 1,
                          no_env, f));
    auto took = std::chrono::steady_clock::now() - start;
    CHECK(took < std::chrono::seconds(3));
    CHECK(std::string(f.msg) == "hook .hooks.createRuntime[0] (/bin/sh): timed out after 300 ms, killed: waiting");
    pid_t child = std::stoi(read_file(d / "child"));
    // Killed with its process group; gone once init (or whoever reaps orphans here) reaped it.
    bool gone = false;
    for (int i = 0; i < 100 && !gone; ++i) {
        gone = ::kill(child, 0) < 0 || read_file("/proc/" + std::to_string(child) + "/stat").find(") Z ") !=
                                           std::string::npos;
        if (!gone) ::usleep(10000);
    }
    CHECK(gone);
}

TEST_CASE("hooks: a hook's exit ends the wait even while its children hold its output", "[hooks]")
{
    HookDir d;
    auto start = std::chrono::steady_clock::now();
    Failure f;
    CHECK(run_hooks(shell_hook("sleep 5 & echo $! > " + (d / "child")), 1, no_env, f));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
    ::kill(std::stoi(read_file(d / "child")), SIGKILL);
}

TEST_CASE("hooks: a state larger than a pipe arrives whole; a hook may ignore it", "[hooks]")
{
    HookDir d;
    HookList list = shell_hook("cat > " + (d / "stdin"));
    list.state = hook_state("c1", "creating", "/b", {{"big", std::string(300000, 'x')}});
    Failure f;
    REQUIRE(run_hooks(list, 5, no_env, f));
    CHECK(nlohmann::json::parse(read_file(d / "stdin"))["annotations"]["big"].get<std::string>().size() == 300000);

    CHECK(run_hooks(shell_hook("exit 0"), 5, no_env, f));
}
