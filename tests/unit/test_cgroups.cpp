#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>

#include "berth/cgroups/backends.hpp"
#include "berth/cgroups/fs.hpp"
#include "berth/cgroups/manager.hpp"
#include "berth/cgroups/mountinfo.hpp"
#include "berth/cgroups/path.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"

using namespace berth;
using namespace berth::cgroups;

namespace {

const char* const v1_mountinfo =
    "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
    "25 18 0:21 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755\n"
    "26 25 0:22 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:10 - cgroup cgroup "
    "rw,xattr,release_agent=/usr/lib/systemd/systemd-cgroups-agent,name=systemd\n"
    "29 25 0:25 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:13 - cgroup cgroup rw,cpu,cpuacct\n"
    "30 25 0:26 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup rw,memory\n"
    "31 25 0:27 / /sys/fs/cgroup/net_cls,net_prio rw,nosuid shared:15 - cgroup cgroup rw,net_cls,net_prio\n"
    "32 25 0:28 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:16 - cgroup cgroup rw,pids\n"
    "33 25 0:29 / /sys/fs/cgroup/cpuset rw,nosuid,nodev,noexec,relatime shared:17 - cgroup cgroup rw,cpuset,clone_children\n"
    // Not directly under /sys/fs/cgroup: ignored.
    "40 22 0:26 /sub /mnt/memory rw,relatime - cgroup cgroup rw,memory\n"
    "41 30 0:26 /x /sys/fs/cgroup/memory/x rw,relatime - cgroup cgroup rw,memory\n";

const char* const hybrid_mountinfo =
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:5 - cgroup2 cgroup2 rw,nsdelegate\n";

const char* const unified_mountinfo =
    "24 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw,errors=remount-ro\n"
    "25 24 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
    "26 25 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:8 - cgroup2 cgroup2 "
    "rw,nsdelegate,memory_recursiveprot\n";

std::vector<std::string> names(const CgroupLayout& l)
{
    std::vector<std::string> out;
    for (const auto& m : l.v1) out.push_back(m.mount_point);
    return out;
}

std::string path_error(std::string_view path, std::string_view id = "c1")
{
    try {
        parse_cgroups_path(path, id);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("mountinfo: v1 host with combined and named hierarchies", "[cgroups]")
{
    auto l = parse_cgroup_layout(v1_mountinfo);
    CHECK(l.mode == Mode::v1);
    CHECK_FALSE(l.v2);
    REQUIRE(names(l) == std::vector<std::string>{"/sys/fs/cgroup/systemd", "/sys/fs/cgroup/cpu,cpuacct",
                                                 "/sys/fs/cgroup/memory", "/sys/fs/cgroup/net_cls,net_prio",
                                                 "/sys/fs/cgroup/pids", "/sys/fs/cgroup/cpuset"});
    CHECK(l.v1[0].controllers == std::vector<std::string>{"name=systemd"});
    CHECK(l.v1[1].controllers == std::vector<std::string>{"cpu", "cpuacct"});
    CHECK(l.v1[1].has("cpuacct"));
    CHECK(l.v1[3].controllers == std::vector<std::string>{"net_cls", "net_prio"});
    CHECK(l.v1[5].controllers == std::vector<std::string>{"cpuset"});  // clone_children is an option
    CHECK(l.v1[2].root == "/");
    CHECK_FALSE(l.v1[2].is_v2);
}

TEST_CASE("mountinfo: hybrid host", "[cgroups]")
{
    auto l = parse_cgroup_layout(hybrid_mountinfo);
    CHECK(l.mode == Mode::hybrid);
    CHECK(l.v1.size() == 5);
    REQUIRE(l.v2);
    CHECK(l.v2->mount_point == "/sys/fs/cgroup/unified");
    CHECK(l.v2->is_v2);
    CHECK(l.v2->controllers.empty());
}

TEST_CASE("mountinfo: unified host", "[cgroups]")
{
    auto l = parse_cgroup_layout(unified_mountinfo);
    CHECK(l.mode == Mode::unified);
    CHECK(l.v1.empty());
    REQUIRE(l.v2);
    CHECK(l.v2->mount_point == "/sys/fs/cgroup");
}

TEST_CASE("mountinfo: cgroup2 mounted over the v1 tmpfs hides the v1 hierarchies", "[cgroups]")
{
    std::string text = std::string(hybrid_mountinfo) +
                       "90 31 0:38 / /sys/fs/cgroup rw,relatime - cgroup2 none rw\n";
    auto l = parse_cgroup_layout(text);
    CHECK(l.mode == Mode::unified);
    CHECK(l.v1.empty());
    REQUIRE(l.v2);
    CHECK(l.v2->mount_point == "/sys/fs/cgroup");

    // A tmpfs over /sys/fs/cgroup hides everything mounted there before it.
    auto hidden = parse_cgroup_layout(std::string(hybrid_mountinfo) + "91 31 0:90 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n");
    CHECK(hidden.empty());
}

TEST_CASE("mountinfo: roots, escapes, duplicates and junk", "[cgroups]")
{
    auto l = parse_cgroup_layout(
        "50 25 0:26 /docker/abc /sys/fs/cgroup/memory ro,nosuid - cgroup cgroup rw,memory\n"
        "51 25 0:40 / /sys/fs/cgroup/my\\040cg rw - cgroup cgroup rw,name=my\n"
        "52 25 0:26 /docker/abc /sys/fs/cgroup/memory2 rw - cgroup cgroup rw,memory\n"
        "garbage line\n"
        "\n"
        "53 25 0:41 / /sys/fs/cgroup/hier rw shared:3 master:1 - cgroup cgroup rw,freezer\n");
    REQUIRE(names(l) == std::vector<std::string>{"/sys/fs/cgroup/memory", "/sys/fs/cgroup/my cg", "/sys/fs/cgroup/hier"});
    CHECK(l.v1[0].root == "/docker/abc");
    CHECK(l.v1[1].controllers == std::vector<std::string>{"name=my"});
    CHECK(l.v1[2].controllers == std::vector<std::string>{"freezer"});  // optional fields skipped
    CHECK(parse_cgroup_layout("").empty());
}

TEST_CASE("/proc/self/cgroup parsing and lookup", "[cgroups]")
{
    auto e = parse_proc_cgroup(
        "12:pids:/user.slice/user-1000.slice\n"
        "4:memory:/x\n"
        "3:cpuacct,cpu:/y\n"
        "1:name=systemd:/a:b\n"
        "0::/init.scope\n"
        "bogus\n");
    REQUIRE(e.size() == 5);
    CHECK(e[0].hierarchy_id == 12);
    CHECK(e[0].controllers == std::vector<std::string>{"pids"});
    CHECK(e[0].path == "/user.slice/user-1000.slice");
    CHECK(e[3].path == "/a:b");
    CHECK(e[4].hierarchy_id == 0);
    CHECK(e[4].controllers.empty());
    CHECK(e[4].path == "/init.scope");

    CgroupMount cpu{"/sys/fs/cgroup/cpu,cpuacct", "/", {"cpu", "cpuacct"}, false};
    CgroupMount systemd{"/sys/fs/cgroup/systemd", "/", {"name=systemd"}, false};
    CgroupMount unified{"/sys/fs/cgroup/unified", "/", {}, true};
    CgroupMount blkio{"/sys/fs/cgroup/blkio", "/", {"blkio"}, false};
    CHECK(find_own_cgroup(e, cpu) == "/y");  // controller order differs
    CHECK(find_own_cgroup(e, systemd) == "/a:b");
    CHECK(find_own_cgroup(e, unified) == "/init.scope");
    CHECK_FALSE(find_own_cgroup(e, blkio));
    // A v1-only host has no "0::" line.
    CHECK_FALSE(find_own_cgroup(parse_proc_cgroup("4:memory:/x\n"), unified));
}

TEST_CASE("cgroupsPath resolution", "[cgroups]")
{
    struct Row {
        const char* in;
        const char* path;
        bool relative;
    };
    for (auto r : {Row{"", "/berth/c1", false}, Row{"/a/b", "/a/b", false}, Row{"//a//b/", "/a/b", false},
                   Row{"/a/./b", "/a/b", false}, Row{"a/b", "a/b", true}, Row{"./a/", "a", true},
                   Row{"/x:y", "/x:y", false}, Row{"a:b", "a:b", true}}) {
        INFO("cgroupsPath " << r.in);
        auto p = parse_cgroups_path(r.in, "c1");
        CHECK(p.path == r.path);
        CHECK(p.relative == r.relative);
    }

    CHECK(path_error("system.slice:berth:c1") ==
          "cgroupsPath \"system.slice:berth:c1\" is in systemd form (slice:prefix:name): use the systemd cgroup "
          "driver (--systemd-cgroup), or a path with cgroupfs");
    CHECK(path_error("/a/../b") == "cgroupsPath \"/a/../b\" must not contain \"..\"");
    CHECK(path_error("..") == "cgroupsPath \"..\" must not contain \"..\"");
    CHECK(path_error(std::string_view("/a\0b", 4)) == "cgroupsPath \"/a\\u0000b\" contains a NUL byte");
    CHECK(path_error("/") == "cgroupsPath \"/\" names the root cgroup");
    CHECK(path_error(".") == "cgroupsPath \".\" names berth's own cgroup");
    CHECK(path_error("", "../x") == "container id \"../x\" cannot be used as a cgroup name");
    CHECK(path_error("", "") == "container id \"\" cannot be used as a cgroup name");
    CHECK(path_error("/a..b/c..") == "");  // ".." only matters as a whole component

    CgroupPath abs{"/a/b", false};
    CgroupPath rel{"a/b", true};
    CHECK(cgroup_dir("/sys/fs/cgroup/memory", "/", abs, "") == "/sys/fs/cgroup/memory/a/b");
    CHECK(cgroup_dir("/sys/fs/cgroup/memory", "/", rel, "/user.slice/") == "/sys/fs/cgroup/memory/user.slice/a/b");
    CHECK(cgroup_dir("/sys/fs/cgroup/memory", "/", rel, "/") == "/sys/fs/cgroup/memory/a/b");
    CHECK(cgroup_dir("/sys/fs/cgroup", "/", rel, "/init.scope") == "/sys/fs/cgroup/init.scope/a/b");
    // A bind-mounted sub-tree: the mount root is stripped from berth's own cgroup.
    CHECK(cgroup_dir("/sys/fs/cgroup/memory", "/docker/abc", rel, "/docker/abc/sub") ==
          "/sys/fs/cgroup/memory/sub/a/b");
    CHECK(cgroup_dir("/sys/fs/cgroup/memory", "/docker/abc", rel, "/docker/abcd") ==
          "/sys/fs/cgroup/memory/docker/abcd/a/b");
}

TEST_CASE("make_manager rejects bad cgroupsPath before touching the host", "[cgroups]")
{
    CHECK_THROWS_WITH(make_manager({"c1", "machine.slice:berth:c1", false}),
                      Catch::Contains("is in systemd form"));
    CHECK_THROWS_WITH(make_manager({"c1", "/a/../../etc", false}), Catch::Contains("\"/a/../../etc\""));
}

TEST_CASE("disabled manager does nothing", "[cgroups]")
{
    auto m = make_disabled_manager(Mode::hybrid);
    m->create();
    m->add_process(1);
    m->kill_all(SIGKILL);
    m->destroy();
    CHECK(m->pids().empty());
    CHECK(m->hierarchies().empty());
    CHECK_FALSE(m->frozen());
    auto again = load_manager(m->to_json());
    CHECK(again->to_json() == m->to_json());
    CHECK(again->mode() == Mode::hybrid);
    CHECK(again->pids().empty());
    CHECK(again->describe() == "cgroups disabled");
}

TEST_CASE("to_json / load_manager round trip", "[cgroups]")
{
    V1 v1({{"/sys/fs/cgroup/cpu,cpuacct", {"cpu", "cpuacct"}, "/sys/fs/cgroup/cpu,cpuacct/berth/c1"},
           {"/sys/fs/cgroup/pids", {"pids"}, "/sys/fs/cgroup/pids/berth/c1"},
           {"/sys/fs/cgroup/systemd", {"name=systemd"}, "/sys/fs/cgroup/systemd/berth/c1"}});
    V2 v2("/sys/fs/cgroup/unified", "/sys/fs/cgroup/unified/berth/c1");
    auto m = make_fs_manager(Mode::hybrid, v1, v2);
    auto j = m->to_json();
    auto again = load_manager(nlohmann::json::parse(j.dump()));
    CHECK(again->to_json() == j);
    CHECK(again->mode() == Mode::hybrid);
    CHECK(again->describe() == "cgroup /berth/c1");
    auto h = again->hierarchies();
    REQUIRE(h.size() == 4);
    CHECK(h[0].mount_name == "cpu,cpuacct");
    CHECK(h[0].host_path == "/sys/fs/cgroup/cpu,cpuacct/berth/c1");
    CHECK_FALSE(h[0].is_v2);
    CHECK(h[2].mount_name == "systemd");
    CHECK(h[3].mount_name == "unified");
    CHECK(h[3].is_v2);

    auto u = load_manager(make_fs_manager(Mode::unified, std::nullopt, V2("/sys/fs/cgroup", "/sys/fs/cgroup/a/b"))->to_json());
    CHECK(u->mode() == Mode::unified);
    CHECK(u->describe() == "cgroup /a/b");
    REQUIRE(u->hierarchies().size() == 1);
    CHECK(u->hierarchies()[0].mount_name == "");
    CHECK(u->hierarchies()[0].is_v2);
}

TEST_CASE("load_manager rejects damaged state", "[cgroups]")
{
    using nlohmann::json;
    auto bad = [](const json& j) {
        try {
            load_manager(j);
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    CHECK(bad(json::array()) == "invalid cgroup state: .: expected object, got array");
    CHECK(bad({{"mode", "v3"}}) == "invalid cgroup state: .mode: unknown mode \"v3\"");
    CHECK(bad({{"mode", 2}}) == "invalid cgroup state: .mode: expected string, got integer");
    CHECK(bad({{"mode", "v1"}}) == "invalid cgroup state: no cgroup hierarchy to manage");
    CHECK(bad({{"mode", "v1"}, {"v1", json::array()}}) == "invalid cgroup state: .v1: expected at least one hierarchy");
    CHECK(bad({{"mode", "v1"}, {"v1", {{{"mount_point", "/sys/fs/cgroup/pids"}}}}}) ==
          "invalid cgroup state: .v1[0].controllers: required field missing");
    json pids = {{"mount_point", "/sys/fs/cgroup/pids"}, {"controllers", json::array({"pids", 3})}, {"dir", "x"}};
    CHECK(bad({{"mode", "v1"}, {"v1", json::array({pids})}}) ==
          "invalid cgroup state: .v1[0].controllers[1]: expected string, got integer");
    // A dir that is the hierarchy root would make destroy/kill act on the whole host.
    CHECK(bad({{"mode", "unified"}, {"v2", {{"mount_point", "/sys/fs/cgroup"}, {"dir", "/sys/fs/cgroup"}}}}) ==
          "invalid cgroup state: .v2.dir: \"/sys/fs/cgroup\" is not below \"/sys/fs/cgroup\"");
    pids["controllers"] = json::array({"pids"});
    pids["dir"] = "/sys/fs/cgroup";
    CHECK(bad({{"mode", "v1"}, {"v1", json::array({pids})}}) ==
          "invalid cgroup state: .v1[0].dir: \"/sys/fs/cgroup\" is not below \"/sys/fs/cgroup/pids\"");
    CHECK_FALSE(bad({{"mode", "unified"}, {"v2", {{"mount_point", "/sys/fs/cgroup"}, {"dir", "/sys/fs/cgroupx/a"}}}})
                    .empty());
}

TEST_CASE("cgroup dir helpers on a plain directory tree", "[cgroups]")
{
    char tmpl[] = "/tmp/berth-cg-XXXXXX";
    REQUIRE(::mkdtemp(tmpl));
    std::string root = tmpl;
    struct Rm {
        std::string p;
        ~Rm() { remove_tree(p); }
    } rm{root};

    std::vector<std::string> levels;
    fs::make_dirs(root, root + "/a//b/c", [&](const std::string& l) { levels.push_back(l); });
    CHECK(levels == std::vector<std::string>{root + "/a", root + "/a/b", root + "/a/b/c"});
    fs::make_dirs(root, root + "/a/b/c");  // existing dirs are fine
    CHECK_THROWS_WITH(fs::make_dirs(root, root), Catch::StartsWith("create cgroup " + root + ": not below"));
    CHECK_THROWS_WITH(fs::make_dirs(root + "/a", root + "/ab/c"), Catch::Contains("not below"));

    write_file_atomic(root + "/a/cgroup.procs", "10\n12\n");
    write_file_atomic(root + "/a/b/cgroup.procs", "");
    write_file_atomic(root + "/a/b/c/cgroup.procs", "11\nnonsense\n0\n");
    std::vector<pid_t> pids;
    fs::collect_pids(root + "/a", pids);
    std::sort(pids.begin(), pids.end());
    CHECK(pids == std::vector<pid_t>{10, 11, 12});
    pids.clear();
    fs::collect_pids(root + "/missing", pids);
    CHECK(pids.empty());
    ::unlink((root + "/a/cgroup.procs").c_str());
    ::unlink((root + "/a/b/cgroup.procs").c_str());
    ::unlink((root + "/a/b/c/cgroup.procs").c_str());

    REQUIRE(::mkdir((root + "/a/b/d").c_str(), 0755) == 0);
    fs::remove_dirs(root + "/a", fs::Clock::now());  // deepest first, no retries needed
    CHECK_FALSE(path_exists(root + "/a"));
    fs::remove_dirs(root + "/a", fs::Clock::now());  // missing is fine

    CHECK(fs::trimmed(" FROZEN\n") == "FROZEN");
}

namespace {

// A forked child that sleeps until signalled; killed and reaped on scope exit if still there.
class Child {
public:
    Child()
    {
        int p[2];
        REQUIRE(::pipe2(p, O_CLOEXEC) == 0);
        Fd rd(p[0]), wr(p[1]);
        pid_ = ::fork();
        if (pid_ == 0) {
            // Catch2's handlers would report a signalled child as a failed test.
            ::signal(SIGTERM, SIG_DFL);
            ::signal(SIGINT, SIG_DFL);
            (void)!::write(wr.get(), "x", 1);
            for (;;) ::pause();
        }
        REQUIRE(pid_ > 0);
        wr.reset();
        char c;
        REQUIRE(::read(rd.get(), &c, 1) == 1);  // handlers are reset: safe to signal it now
    }
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;
    ~Child()
    {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    pid_t pid() const { return pid_; }
    // The signal that ended it, or 0.
    int wait()
    {
        int status = 0;
        pid_t r = ::waitpid(pid_, &status, 0);
        pid_ = -1;
        return r > 0 && WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    }

private:
    pid_t pid_ = -1;
};

// Destroys the manager's cgroups on scope exit, whatever happened.
struct Cleanup {
    Manager& m;
    ~Cleanup()
    {
        try {
            m.kill_all(SIGKILL);
            m.destroy();
        } catch (const std::exception& e) {
            WARN("cleanup: " << e.what());
        }
    }
};

bool contains(const std::vector<pid_t>& v, pid_t p) { return std::find(v.begin(), v.end(), p) != v.end(); }

}  // namespace

// Creates real cgroups: runs only as root on a host with writable cgroup hierarchies.
TEST_CASE("cgroup life cycle on this host", "[cgroups][root]")
{
    if (::geteuid() != 0) {
        WARN("skipped: needs root");
        return;
    }
    std::string path = "/berth-unit-" + std::to_string(::getpid());
    std::unique_ptr<Manager> m;
    try {
        m = make_manager({"cgtest", path, false});
    } catch (const Error& e) {
        if (std::string_view(e.what()).find("no cgroup hierarchy is mounted") == std::string_view::npos) throw;
        WARN("skipped: " << e.what());
        return;
    }
    CHECK(m->mode() == detect_mode());
    CHECK(m->describe() == "cgroup " + path);
    try {
        m->create();
    } catch (const Error& e) {
        if (e.code() == EROFS || e.code() == EACCES || e.code() == EPERM) {
            WARN("skipped: " << e.what());
            return;
        }
        throw;
    }
    Cleanup cleanup{*m};
    auto hs = m->hierarchies();
    REQUIRE_FALSE(hs.empty());
    for (const auto& h : hs) CHECK(path_exists(h.host_path));

    // Round 1: SIGTERM through the freezer, reaching a process in a sub-cgroup too.
    {
        Child a, b;
        m->add_process(a.pid());
        m->add_process(b.pid());
        for (const auto& h : hs) {
            REQUIRE(::mkdir((h.host_path + "/sub").c_str(), 0755) == 0);
            if (h.mount_name.find("cpuset") == std::string::npos)  // an unseeded cpuset refuses processes
                write_file(h.host_path + "/sub/cgroup.procs", std::to_string(b.pid()));
        }
        auto pids = m->pids();
        CHECK(pids.size() == 2);
        CHECK(contains(pids, a.pid()));
        CHECK(contains(pids, b.pid()));

        m->set_frozen(true);
        CHECK(m->frozen());
        m->set_frozen(false);
        CHECK_FALSE(m->frozen());

        m->kill_all(SIGTERM);
        CHECK(a.wait() == SIGTERM);
        CHECK(b.wait() == SIGTERM);
        CHECK_FALSE(m->frozen());
    }
    // Round 2: SIGKILL (cgroup.kill where the kernel has it).
    {
        Child c;
        m->add_process(c.pid());
        CHECK(m->pids() == std::vector<pid_t>{c.pid()});
        m->kill_all(SIGKILL);
        CHECK(c.wait() == SIGKILL);
    }
    // Round 3: a paused container stays paused when signalled, and gets the signal on resume.
    {
        Child d;
        m->add_process(d.pid());
        m->set_frozen(true);
        m->kill_all(SIGTERM);
        CHECK(m->frozen());
        m->set_frozen(false);
        CHECK(d.wait() == SIGTERM);
    }
    m->destroy();
    for (const auto& h : hs) CHECK_FALSE(path_exists(h.host_path));
    CHECK(m->pids().empty());
    m->destroy();  // a second destroy finds nothing and is fine
    m->kill_all(SIGKILL);  // and so is killing a removed cgroup
}
