#include <signal.h>

#include <catch2/catch.hpp>
#include <cstring>

#include "berth/util/args.hpp"
#include "berth/util/error.hpp"
#include "berth/util/failure.hpp"
#include "berth/util/signals.hpp"
#include "flags.hpp"

using berth::parse_signal;

TEST_CASE("signals by name, with and without SIG, any case", "[signals]")
{
    CHECK(parse_signal("KILL") == SIGKILL);
    CHECK(parse_signal("SIGKILL") == SIGKILL);
    CHECK(parse_signal("sigterm") == SIGTERM);
    CHECK(parse_signal("term") == SIGTERM);
    CHECK(parse_signal("HUP") == SIGHUP);
    CHECK(parse_signal("SIGUSR1") == SIGUSR1);
    CHECK(parse_signal("WINCH") == SIGWINCH);
    CHECK(parse_signal("RTMIN") == SIGRTMIN);
    CHECK(parse_signal("SIGRTMIN+3") == SIGRTMIN + 3);
    CHECK(parse_signal("RTMAX-1") == SIGRTMAX - 1);
}

TEST_CASE("signals by number", "[signals]")
{
    CHECK(parse_signal("9") == 9);
    CHECK(parse_signal("15") == 15);
    CHECK(parse_signal("64") == 64);
}

TEST_CASE("bad signals are rejected", "[signals]")
{
    for (const char* bad : {"", "0", "65", "-9", "9x", "KILLL", "SIG", "RTMIN+99", "RTMAX+1", "1000000000000"})
        CHECK_FALSE(parse_signal(bad).has_value());
}

TEST_CASE("single-dash long flags become double-dash", "[args]")
{
    std::set<std::string> flags{"root", "log", "no-subreaper", "bundle"};
    auto out = berth::normalize_single_dash({"-root", "/x", "-log=/l", "create", "-b", "/b", "-no-subreaper", "c1"}, flags);
    std::vector<std::string> want{"--root", "/x", "--log=/l", "create", "-b", "/b", "--no-subreaper", "c1"};
    CHECK(out == want);
}

TEST_CASE("single-dash rewrite leaves unknown flags, '--' and the container command alone", "[args]")
{
    std::set<std::string> flags{"root"};
    CHECK(berth::normalize_single_dash({"-rootx", "-r"}, flags) == std::vector<std::string>{"-rootx", "-r"});
    CHECK(berth::normalize_single_dash({"--", "-root"}, flags) == std::vector<std::string>{"--", "-root"});
    CHECK(berth::normalize_single_dash({"exec", "c1", "-root"}, flags, 2) == std::vector<std::string>{"exec", "c1", "-root"});
}

TEST_CASE("errors carry their context chain and Go-style errno text", "[error]")
{
    berth::Error e = berth::Error::sys(EPERM, "mount /proc on rootfs/proc");
    e.context("create c1");
    CHECK(std::string(e.what()) == "create c1: mount /proc on rootfs/proc: operation not permitted");
    CHECK(e.code() == EPERM);
    CHECK(berth::errno_text(ENOENT) == "no such file or directory");
    CHECK(berth::errno_text(EACCES) == "permission denied");
    try {
        berth::with_context("outer", [] { throw berth::Error("inner"); });
        FAIL("no throw");
    } catch (const berth::Error& x) {
        CHECK(std::string(x.what()) == "outer: inner");
    }
}

TEST_CASE("Failure reports: formatted, wrapped outermost first, cut rather than overflowed", "[error]")
{
    berth::Failure f;
    CHECK_FALSE(f.set(EPERM, "mount %s", "/proc"));
    CHECK(f.err == EPERM);
    CHECK_FALSE(f.wrap("create %s", "c1"));
    CHECK(std::string(f.msg) == "create c1: mount /proc");
    std::string long_text(2000, 'x');
    f.set(0, "%s", long_text.c_str());
    f.wrap("ctx");
    CHECK(std::string(f.msg).rfind("ctx: xxx", 0) == 0);
    CHECK(std::strlen(f.msg) == sizeof f.msg - 1);
}

TEST_CASE("the command word skips global flags and their values", "[args]")
{
    std::set<std::string> with_value{"--root", "--log"};
    CHECK(berth::find_command({"--root", "/x", "--debug", "create", "c1"}, with_value) == "create");
    CHECK(berth::find_command({"--root=/x", "--log", "create", "state"}, with_value) == "state");
    CHECK(berth::find_command({"checkpoint", "--help"}, with_value) == "checkpoint");
    CHECK(berth::find_command({"--help"}, with_value).empty());
    CHECK(berth::find_command({}, with_value).empty());
}

TEST_CASE("flag names come from CLI11's options: every long name, value-taking global flags", "[args]")
{
    CLI::App app{"test", "berth"};
    app.set_version_flag("-v,--version", "1");
    std::string root, log, bundle;
    bool debug = false, no_pivot = false, detach = false, rootless = false;
    int fds = 0;
    app.add_option("--root", root);
    app.add_option("-l,--log", log);
    app.add_flag("--debug", debug);
    CLI::App* create = app.add_subcommand("create");
    create->add_option("id", root)->required();
    create->add_option("-b,--bundle", bundle);
    create->add_flag("--no-pivot", no_pivot);
    create->add_option("--preserve-fds", fds);
    CLI::App* run = app.add_subcommand("run");
    run->add_flag("-d,--detach", detach);
    CLI::App* spec = app.add_subcommand("spec");
    spec->add_flag("--rootless", rootless);

    berth::cli::FlagNames names = berth::cli::flag_names(app);
    CHECK(names.long_names == std::set<std::string>{"bundle", "debug", "detach", "help", "log", "no-pivot",
                                                    "preserve-fds", "root", "rootless", "version"});
    // Only the app's own options, as find_command sees them before the command word.
    CHECK(names.global_with_value == std::set<std::string>{"--log", "--root", "-l"});

    auto args = berth::normalize_single_dash({"-root", "/x", "-log=/l", "create", "-no-pivot", "-preserve-fds", "1", "c1"},
                                             names.long_names);
    CHECK(args == std::vector<std::string>{"--root", "/x", "--log=/l", "create", "--no-pivot", "--preserve-fds", "1", "c1"});
    CHECK(berth::find_command(args, names.global_with_value) == "create");
    CHECK(berth::find_command({"-l", "state", "--debug", "run"}, names.global_with_value) == "run");
}
