// Unit tests for the state module. No root needed: the store lives in a temp dir.
#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <ctime>

#include <chrono>
#include <cstdlib>
#include <algorithm>
#include <functional>
#include <set>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "berth/state/state.hpp"
#include "berth/util/error.hpp"
#include "support.hpp"
#include "berth/util/file.hpp"

using namespace berth;
using namespace berth::state;

using berth::test::error_of;

namespace {

// A fresh directory under $TMPDIR, removed with everything in it.
// A stat line shaped like the kernel's, with the given comm, state and start time.
std::string stat_line(const std::string& comm, char state, uint64_t start)
{
    return "4242 (" + comm + ") " + state +
           " 1 4242 4242 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 1 0 " + std::to_string(start) +
           " 12345678 321 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0\n";
}

Record sample_record(const std::string& id)
{
    Record r;
    r.oci_version = "1.2.0";
    r.id = id;
    r.status = Status::created;
    r.pid = 4242;
    r.bundle = "/var/lib/bundles/" + id;
    r.rootfs = "/var/lib/bundles/" + id + "/rootfs";
    r.created = "2026-11-27T07:30:00.123456789Z";
    r.annotations = {{"org.example/b", "2"}, {"org.example/a", "1"}};
    r.owner = "";
    r.init_start_time = 987654;
    r.own_pid_namespace = false;
    r.cgroup = nlohmann::json{{"path", "/sys/fs/cgroup/berth/" + id}, {"v2", true}};
    return r;
}

// Waits up to timeout_ms for one byte on fd; '\0' on timeout.
char read_byte(int fd, int timeout_ms)
{
    struct pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) != 1) return '\0';
    char c = '\0';
    return ::read(fd, &c, 1) == 1 ? c : '\0';
}

int wait_exit_code(pid_t pid)
{
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Forks a child that runs f and reports through _exit; never returns into Catch in the child.
template <class F>
pid_t fork_child(F&& f)
{
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        int code = 99;
        try {
            code = f();
        } catch (...) {
            code = 98;
        }
        ::_exit(code);
    }
    return pid;
}

}  // namespace

TEST_CASE("container id validation", "[state][id]")
{
    for (std::string good : {std::string("c1"), std::string("a.b-c_d+e"), std::string(1024, 'x'),
                             std::string("..."), std::string(".hidden"), std::string("A9")}) {
        INFO("id: " << good);
        CHECK(is_valid_container_id(good));
        CHECK_NOTHROW(validate_container_id(good));
    }
    for (std::string bad : {std::string(""), std::string("."), std::string(".."), std::string("a/b"),
                            std::string("../x"), std::string("a b"), std::string(1025, 'x'),
                            std::string("\xc3\xa4"), std::string("\n"), std::string("a\0b", 3),
                            std::string("c1,"), std::string("~creating.1.0")}) {
        INFO("id: " << bad);
        CHECK_FALSE(is_valid_container_id(bad));
        CHECK_THROWS_AS(validate_container_id(bad), Error);
    }
    CHECK(error_of([] { validate_container_id("a/b"); }) == "invalid container id \"a/b\": must not contain '/'");
    CHECK(error_of([] { validate_container_id(""); }) == "invalid container id \"\": must not be empty");
    CHECK_THAT(error_of([] { validate_container_id(".."); }), Catch::StartsWith("invalid container id \"..\": "));
}

TEST_CASE("status names round trip", "[state][status]")
{
    for (Status s : {Status::creating, Status::created, Status::running, Status::stopped, Status::paused}) {
        auto parsed = parse_status(to_string(s));
        REQUIRE(parsed);
        CHECK(*parsed == s);
    }
    CHECK(to_string(Status::created) == "created");
    CHECK(to_string(Status::paused) == "paused");
    CHECK_FALSE(parse_status("Running"));
    CHECK_FALSE(parse_status(""));
}

TEST_CASE("parse /proc/<pid>/stat lines", "[state][proc]")
{
    CHECK(parse_start_time(stat_line("bash", 'S', 98765)) == 98765u);
    CHECK(parse_start_time(stat_line("my proc", 'R', 1)) == 1u);
    // comm with ')' and things that look like fields inside it
    CHECK(parse_start_time(stat_line("a) R 1 2 3 (b", 'S', 555)) == 555u);
    CHECK(parse_start_time(stat_line(")", 'S', 7)) == 7u);
    CHECK(parse_start_time(stat_line("x)) ((", 'S', 18446744073709551615ull)) == 18446744073709551615ull);
    // no trailing newline
    std::string line = stat_line("sh", 'S', 42);
    line.pop_back();
    CHECK(parse_start_time(line) == 42u);

    auto info = parse_proc_stat(stat_line("a) Z 9 (b", 'Z', 31337));
    REQUIRE(info);
    CHECK(info->exists);
    CHECK(info->state == 'Z');
    CHECK(info->start_time == 31337u);

    CHECK_FALSE(parse_start_time(""));
    CHECK_FALSE(parse_start_time("123"));
    CHECK_FALSE(parse_start_time("123 (x"));
    CHECK_FALSE(parse_start_time("1 (x) S 1 2 3"));
    CHECK_FALSE(parse_start_time("1 (x) SS 1 4242 4242 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 1 0 5 1"));
    CHECK_FALSE(parse_start_time("1 (x) S 1 4242 4242 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 1 0 5x 1"));
    CHECK_FALSE(parse_start_time("1 (x) S 1 4242 4242 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 1 0 -5 1"));
}

TEST_CASE("read_proc_info on live, zombie and reaped processes", "[state][proc]")
{
    ProcInfo self = read_proc_info(::getpid());
    CHECK(self.exists);
    CHECK(self.state == 'R');
    CHECK(self.start_time == parse_start_time(read_file("/proc/self/stat")));

    CHECK_FALSE(read_proc_info(0).exists);
    CHECK_FALSE(read_proc_info(-1).exists);

    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) ::_exit(0);
    ProcInfo z;
    for (int i = 0; i < 500; ++i) {  // up to 5 s for the child to exit
        z = read_proc_info(child);
        if (z.state == 'Z') break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    CHECK(z.exists);
    CHECK(z.state == 'Z');
    CHECK(z.start_time >= self.start_time);
    CHECK(wait_exit_code(child) == 0);
    CHECK_FALSE(read_proc_info(child).exists);
}

TEST_CASE("derive_status table", "[state][status]")
{
    Record rec;
    rec.pid = 4242;
    rec.init_start_time = 1000;
    const ProcInfo alive{true, 'S', 1000};
    const ProcInfo running_cpu{true, 'R', 1000};
    const ProcInfo dead{};
    const ProcInfo zombie{true, 'Z', 1000};
    const ProcInfo xdead{true, 'X', 1000};
    const ProcInfo reused{true, 'S', 1001};

    struct Row {
        Status stored;
        ProcInfo proc;
        bool frozen;
        Status want;
    };
    const std::vector<Row> table{
        {Status::creating, alive, false, Status::creating},
        {Status::creating, alive, true, Status::creating},
        {Status::creating, dead, false, Status::stopped},
        {Status::creating, zombie, false, Status::stopped},
        {Status::creating, reused, false, Status::stopped},

        {Status::created, alive, false, Status::created},
        {Status::created, running_cpu, false, Status::created},
        {Status::created, alive, true, Status::paused},
        {Status::created, dead, false, Status::stopped},
        {Status::created, zombie, false, Status::stopped},
        {Status::created, xdead, false, Status::stopped},
        {Status::created, reused, false, Status::stopped},
        {Status::created, reused, true, Status::stopped},

        {Status::running, alive, false, Status::running},
        {Status::running, alive, true, Status::paused},
        {Status::running, dead, false, Status::stopped},
        {Status::running, dead, true, Status::stopped},
        {Status::running, zombie, false, Status::stopped},
        {Status::running, zombie, true, Status::stopped},
        {Status::running, reused, false, Status::stopped},
        {Status::running, reused, true, Status::stopped},

        {Status::paused, alive, false, Status::running},
        {Status::paused, alive, true, Status::paused},
        {Status::paused, dead, true, Status::stopped},

        {Status::stopped, alive, false, Status::stopped},
        {Status::stopped, alive, true, Status::stopped},
        {Status::stopped, dead, false, Status::stopped},
        {Status::stopped, zombie, false, Status::stopped},
        {Status::stopped, reused, false, Status::stopped},
    };
    for (const Row& row : table) {
        rec.status = row.stored;
        INFO("stored " << to_string(row.stored) << ", proc state '" << (row.proc.state ? row.proc.state : '-')
                       << "' start " << row.proc.start_time << ", frozen " << row.frozen);
        CHECK(derive_status(rec, row.proc, row.frozen) == row.want);
    }

    // No pid: stopped whatever the process table says.
    rec.pid = 0;
    for (Status s : {Status::creating, Status::created, Status::running, Status::paused})
        for (bool frozen : {false, true}) {
            rec.status = s;
            CHECK(derive_status(rec, alive, frozen) == Status::stopped);
        }
}

TEST_CASE("record JSON round trip", "[state][record]")
{
    Record r = sample_record("c1");
    std::string text = to_json(r).dump();
    Record back = record_from_json(nlohmann::json::parse(text));
    CHECK(back.oci_version == r.oci_version);
    CHECK(back.id == r.id);
    CHECK(back.status == r.status);
    CHECK(back.pid == r.pid);
    CHECK(back.bundle == r.bundle);
    CHECK(back.rootfs == r.rootfs);
    CHECK(back.created == r.created);
    CHECK(back.annotations == r.annotations);
    CHECK(back.owner == r.owner);
    CHECK(back.init_start_time == r.init_start_time);
    CHECK(back.own_pid_namespace == r.own_pid_namespace);
    CHECK(back.cgroup == r.cgroup);

    // Defaults survive too (null cgroup, empty annotations).
    Record plain;
    plain.id = "p";
    Record plain_back = record_from_json(to_json(plain));
    CHECK(plain_back.status == Status::creating);
    CHECK(plain_back.own_pid_namespace);
    CHECK(plain_back.cgroup.is_null());
    CHECK(plain_back.annotations.empty());

    // Large start times are not squeezed through a signed type.
    r.init_start_time = 18446744073709551615ull;
    CHECK(record_from_json(to_json(r)).init_start_time == 18446744073709551615ull);
}

TEST_CASE("malformed records are rejected", "[state][record]")
{
    const nlohmann::json good = to_json(sample_record("c1"));
    auto with = [&](const char* key, nlohmann::json value) {
        nlohmann::json j = good;
        j[key] = std::move(value);
        return j;
    };
    auto without = [&](const char* key) {
        nlohmann::json j = good;
        j.erase(key);
        return j;
    };
    CHECK_NOTHROW(record_from_json(good));
    std::vector<nlohmann::json> bad{
        nlohmann::json::array(), nlohmann::json("x"), nlohmann::json(),
        without("id"), without("status"), without("pid"),
        with("id", 5), with("id", "a/b"), with("status", "sleeping"), with("status", 1),
        with("pid", -1), with("pid", "12"), with("pid", 1.5), with("pid", 4294967296ll),
        with("initStartTime", -3), with("bundle", nullptr), with("ownPidNamespace", "yes"),
        with("annotations", nlohmann::json::array()), with("annotations", {{"k", 1}}),
    };
    for (const auto& j : bad) {
        INFO(j.dump());
        CHECK_THAT(error_of([&] { record_from_json(j); }), Catch::StartsWith("malformed state: "));
    }
    // The message names the field and what is wrong with it.
    CHECK(error_of([&] { record_from_json(with("pid", "12")); }) ==
          "malformed state: .pid: expected integer, got string");
    CHECK(error_of([&] { record_from_json(with("pid", -1)); }) == "malformed state: .pid: must not be negative");
    CHECK(error_of([&] { record_from_json(without("status")); }) == "malformed state: .status: required field missing");
    CHECK(error_of([&] { record_from_json(with("status", "sleeping")); }) ==
          "malformed state: .status: unknown status \"sleeping\"");
    CHECK(error_of([&] { record_from_json(with("annotations", {{"k", 1}})); }) ==
          "malformed state: .annotations.k: expected string, got integer");
    CHECK(error_of([&] { record_from_json(with("bundle", nullptr)); }) ==
          "malformed state: .bundle: expected string, got null");
    CHECK_NOTHROW(record_from_json(with("annotations", nullptr)));
    CHECK_THAT(error_of([] { parse_record("{not json"); }), Catch::StartsWith("malformed state: invalid JSON: "));
    CHECK(parse_record(good.dump()).id == "c1");
}

TEST_CASE("to_state_json: runc's field order, pid 0 when stopped, annotations only when set", "[state][record]")
{
    auto keys = [](const nlohmann::ordered_json& j) {
        std::vector<std::string> out;
        for (const auto& item : j.items()) out.push_back(item.key());
        return out;
    };
    Record r = sample_record("c1");
    auto j = to_state_json(r, Status::running);
    CHECK(keys(j) == std::vector<std::string>{"ociVersion", "id", "pid", "status", "bundle", "rootfs", "created",
                                              "annotations", "owner"});
    CHECK(j["pid"] == 4242);
    CHECK(j["status"] == "running");
    CHECK(j["annotations"]["org.example/a"] == "1");
    CHECK(j["owner"] == "");
    CHECK(j["created"] == "2026-11-27T07:30:00.123456789Z");

    auto stopped = to_state_json(r, Status::stopped);
    CHECK(stopped["pid"] == 0);
    CHECK(stopped["status"] == "stopped");

    r.annotations.clear();
    auto plain = to_state_json(r, Status::created);
    CHECK(keys(plain) ==
          std::vector<std::string>{"ociVersion", "id", "pid", "status", "bundle", "rootfs", "created", "owner"});
    CHECK(plain.dump().find("annotations") == std::string::npos);
}

TEST_CASE("now_rfc3339 is UTC with nanoseconds", "[state][record]")
{
    std::string t = now_rfc3339();
    CHECK(std::regex_match(t, std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z)")));
}

TEST_CASE("rfc3339_utc agrees with gmtime_r, leap days and centuries included", "[state][record]")
{
    auto by_libc = [](time_t secs, long nsec) {
        struct tm tm;
        ::gmtime_r(&secs, &tm);
        char buf[96];
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                      tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, nsec);
        return std::string(buf);
    };
    // The epoch, the days around 2000-02-29 and 2100-02-28 (no leap day), today, 2038 and
    // beyond, and one before the epoch.
    for (long long s : {0LL, 951782399LL, 951782400LL, 951868800LL, 4107456000LL, 4107542399LL, 4107542400LL,
                        1795500123LL, 2147483647LL, 2147483648LL, 32503680000LL, -1LL, -86401LL}) {
        struct timespec t {};
        t.tv_sec = static_cast<time_t>(s);
        t.tv_nsec = 123456789;
        INFO(s);
        CHECK(rfc3339_utc(t) == by_libc(static_cast<time_t>(s), 123456789));
    }
    // Every day of 1999-2001, at its last second.
    for (long long d = 10592; d < 11688; ++d) {
        struct timespec t {};
        t.tv_sec = static_cast<time_t>(d * 86400 + 86399);
        REQUIRE(rfc3339_utc(t) == by_libc(t.tv_sec, 0));
    }
}

TEST_CASE("store: each_record on several threads sees every record once", "[state][store]")
{
    test::TempDir tmp{"berth-state-test"};
    Store store(tmp.path + "/root");
    std::vector<std::string> ids;
    for (int i = 0; i < 200; ++i) {
        ids.push_back("c" + std::to_string(1000 + i));
        store.create(ids.back()).write(sample_record(ids.back()));
    }
    store.create("no-record");
    for (unsigned threads : {1u, 2u, 4u, 64u}) {
        INFO("threads " << threads);
        std::mutex m;
        std::vector<std::string> seen;
        std::set<std::thread::id> callers;
        store.each_record(
            [&](Record&& r) {
                std::lock_guard lock(m);
                seen.push_back(r.id);
                callers.insert(std::this_thread::get_id());
            },
            threads);
        std::sort(seen.begin(), seen.end());
        CHECK(seen == ids);
        if (threads == 1) CHECK(callers.size() == 1);
    }
    // A failure that is not a record's reaches the caller (the others stop when they see it:
    // how many records they read meanwhile depends on the scheduler).
    CHECK_THROWS_WITH(store.each_record(
                          [&](Record&& r) {
                              if (r.id == "c1100") throw std::runtime_error("stop at " + r.id);
                          },
                          4),
                      "stop at c1100");
}

TEST_CASE("store: create, open, write, read, list, remove", "[state][store]")
{
    test::TempDir tmp{"berth-state-test"};
    const std::string root = tmp.path + "/deep/run/berth";
    Store store(root);
    CHECK(store.root() == root);
    CHECK_FALSE(path_exists(root));  // the constructor touches nothing

    SECTION("missing root: empty list, open says does not exist")
    {
        CHECK(store.list().empty());
        CHECK(error_of([&] { store.open("c1"); }) == "container \"c1\" does not exist");
        CHECK_FALSE(path_exists(root));
    }

    SECTION("invalid ids are refused before touching the disk")
    {
        CHECK_THAT(error_of([&] { store.create("../x"); }), Catch::StartsWith("invalid container id \"../x\""));
        CHECK_THAT(error_of([&] { store.open("a b"); }), Catch::StartsWith("invalid container id \"a b\""));
        CHECK_FALSE(path_exists(root));
    }

    SECTION("lifecycle")
    {
        {
            ContainerDir c = store.create("c1");
            CHECK(c.id() == "c1");
            CHECK(c.path() == root + "/c1");
            CHECK(c.dirfd() >= 0);
            CHECK((::fcntl(c.dirfd(), F_GETFD) & FD_CLOEXEC) != 0);
            CHECK_FALSE(c.has_record());
            CHECK_THAT(error_of([&] { c.read(); }), Catch::Contains(root + "/c1/state.json") &&
                                                        Catch::Contains("no such file or directory"));

            struct stat st;
            REQUIRE(::stat(root.c_str(), &st) == 0);
            CHECK((st.st_mode & 0777) == 0700);
            REQUIRE(::stat((tmp.path + "/deep").c_str(), &st) == 0);
            CHECK((st.st_mode & 0777) == 0700);

            Record r = sample_record("c1");
            c.write(r);
            CHECK(c.has_record());
            REQUIRE(::stat((root + "/c1/state.json").c_str(), &st) == 0);
            CHECK((st.st_mode & 0777) == 0600);
            Record back = c.read();
            CHECK(back.pid == r.pid);
            CHECK(back.cgroup == r.cgroup);

            CHECK_THAT(error_of([&] { c.write(sample_record("other")); }), Catch::Contains("record has id \"other\""));
            Record mangled = sample_record("c1");
            mangled.bundle = "/bundle-\xff";
            CHECK_THAT(error_of([&] { c.write(mangled); }), Catch::Contains("cannot encode record"));
            CHECK(c.read().bundle == r.bundle);  // the previous record is untouched
        }
        CHECK(error_of([&] { store.create("c1"); }) == "container with id exists: c1");

        {
            ContainerDir c = store.open("c1");
            Record r = c.read();
            r.status = Status::running;
            c.write(r);
            CHECK(c.read().status == Status::running);
        }

        // list: sorted; ignores dirs without state.json, plain files, debris and bad names
        store.create("b2").write(sample_record("b2"));
        store.create("a3").write(sample_record("a3"));
        store.create("empty");  // never got a record
        REQUIRE(::mkdir((root + "/~creating.1.0").c_str(), 0700) == 0);
        write_file_atomic(root + "/notadir", "x");
        REQUIRE(::symlink((root + "/c1").c_str(), (root + "/link").c_str()) == 0);
        CHECK(store.list() == std::vector<std::string>{"a3", "b2", "c1"});
        // each_record: the same containers' records, in the same order, cgroup included; also
        // not through a symlink as state.json, nor a record of another id or a malformed one.
        store.create("d4");
        write_file_atomic(tmp.path + "/d4-record", to_json(sample_record("d4")).dump());
        REQUIRE(::symlink((tmp.path + "/d4-record").c_str(), (root + "/d4/state.json").c_str()) == 0);
        store.create("e5");
        write_file_atomic(root + "/e5/state.json", to_json(sample_record("a3")).dump());
        store.create("f6");
        write_file_atomic(root + "/f6/state.json", "{\"id\": \"f6\"");
        store.create("g7");
        REQUIRE(::mkdir((root + "/g7/state.json").c_str(), 0700) == 0);
        // A relative symlink that stays beneath the root: only RESOLVE_NO_SYMLINKS refuses it.
        store.create("h8");
        write_file_atomic(root + "/h8/real.json", to_json(sample_record("h8")).dump());
        REQUIRE(::symlink("real.json", (root + "/h8/state.json").c_str()) == 0);
        std::vector<std::string> seen;
        store.each_record([&](Record&& r) {
            CHECK(r.cgroup == sample_record(r.id).cgroup);
            seen.push_back(r.id);
        });
        CHECK(seen == std::vector<std::string>{"a3", "b2", "c1"});
        for (const auto& id : {"d4", "e5", "f6", "g7", "h8"}) store.open(id).remove();
        // remove(): a symlink in state.json's place goes, not what it points to; a directory
        // there and a file berth did not name go too.
        for (const auto& id : {"d4", "e5", "f6", "g7", "h8"}) CHECK_FALSE(path_exists(root + "/" + id));
        CHECK(path_exists(tmp.path + "/d4-record"));
        {
            ContainerDir c = store.create("i9");
            c.write(sample_record("i9"));
            c.write_config("{}");
            REQUIRE(::mkfifo((root + "/i9/exec.fifo").c_str(), 0600) == 0);
            c.remove();
            CHECK_FALSE(path_exists(root + "/i9"));
        }

        // No temp dirs left behind by create (including the failed duplicate).
        for (const auto& id : {"a3", "b2", "c1", "empty"}) CHECK(path_exists(root + "/" + id));
        CHECK_THROWS(store.create("a3"));

        // A symlink is not a container dir.
        CHECK_THROWS(store.open("link"));

        {
            ContainerDir c = store.open("c1");
            c.remove();
            CHECK_FALSE(path_exists(root + "/c1"));
            CHECK_THAT(error_of([&] { c.write(sample_record("c1")); }), Catch::Contains("removed"));
        }
        CHECK_THAT(error_of([&] { store.open("c1"); }), Catch::Contains("does not exist"));
        CHECK(store.list() == std::vector<std::string>{"a3", "b2"});

        // The id is free again.
        CHECK_NOTHROW(store.create("c1"));
    }

    SECTION("corrupt state is reported with its path")
    {
        ContainerDir c = store.create("bad");
        write_file_atomic(c.dirfd(), "state.json", "{not json");
        CHECK_THAT(error_of([&] { c.read(); }),
                   Catch::StartsWith("read state " + root + "/bad/state.json: malformed state"));
        write_file_atomic(c.dirfd(), "state.json", to_json(sample_record("other")).dump());
        CHECK_THAT(error_of([&] { c.read(); }), Catch::Contains("does not match"));
    }

    SECTION("ids longer than a file name fail cleanly")
    {
        CHECK_THAT(error_of([&] { store.create(std::string(300, 'x')); }), Catch::Contains("file name too long"));
    }
}

TEST_CASE("store: debris of a create killed before its rename is removed once its creator is gone", "[state][store]")
{
    test::TempDir tmp{"berth-state-test"};
    const std::string root = tmp.path + "/root";
    Store store(root);
    store.create("kept").write(sample_record("kept"));
    pid_t dead = fork_child([] { return 0; });
    REQUIRE(wait_exit_code(dead) == 0);  // reaped: its pid no longer runs
    const std::string d = std::to_string(dead);
    for (const auto& name : {"~creating." + d + ".0.c1", "~creating." + d + ".1.c1", "~creating." + d + ".0.c2",
                             "~creating." + d + ".0", std::string("~creating.1.0.c1") /* pid 1 runs */})
        REQUIRE(::mkdir((root + "/" + name).c_str(), 0700) == 0);
    // A dead creator's dir that still holds a lock (another holder) stays, as does a non-empty one.
    REQUIRE(::mkdir((root + "/~creating." + d + ".2.c1").c_str(), 0700) == 0);
    Fd held(::open((root + "/~creating." + d + ".2.c1").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    REQUIRE(::flock(held.get(), LOCK_EX) == 0);

    store.remove_creating_debris("c1");
    CHECK_FALSE(path_exists(root + "/~creating." + d + ".0.c1"));
    CHECK_FALSE(path_exists(root + "/~creating." + d + ".1.c1"));
    CHECK(path_exists(root + "/~creating." + d + ".2.c1"));  // locked
    CHECK(path_exists(root + "/~creating." + d + ".0.c2"));  // another id
    CHECK(path_exists(root + "/~creating." + d + ".0"));     // no id (too long for the name)
    CHECK(path_exists(root + "/~creating.1.0.c1"));          // its creator runs

    // A create sweeps nothing (its cost must not grow with the root); list sweeps every dead
    // creator's debris.
    held.reset();
    store.create("c3");
    CHECK(path_exists(root + "/~creating." + d + ".0.c2"));
    CHECK(store.list() == std::vector<std::string>{"kept"});  // c3 has no record yet
    CHECK_FALSE(path_exists(root + "/~creating." + d + ".0.c2"));
    CHECK_FALSE(path_exists(root + "/~creating." + d + ".0"));
    CHECK_FALSE(path_exists(root + "/~creating." + d + ".2.c1"));
    CHECK(path_exists(root + "/~creating.1.0.c1"));
    CHECK(path_exists(root + "/c3"));
}

TEST_CASE("store: the container lock excludes other processes", "[state][store][lock]")
{
    test::TempDir tmp{"berth-state-test"};
    const std::string root = tmp.path + "/root";
    Store store(root);

    // Tries the lock the way another process would: its own open file description.
    auto try_lock_in_child = [&](int inherited_fd) {
        return fork_child([&] {
            if (inherited_fd >= 0) ::close(inherited_fd);
            int fd = ::open((root + "/c1").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (fd < 0) return 2;
            if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return 0;
            return errno == EWOULDBLOCK ? 1 : 3;
        });
    };

    {
        ContainerDir c = store.create("c1");
        c.write(sample_record("c1"));
        CHECK(wait_exit_code(try_lock_in_child(c.dirfd())) == 1);  // held by create()
    }
    CHECK(wait_exit_code(try_lock_in_child(-1)) == 0);  // released on destruction
    {
        ContainerDir c = store.open("c1");
        CHECK(wait_exit_code(try_lock_in_child(c.dirfd())) == 1);  // held by open()
        // Moving keeps the lock.
        ContainerDir moved = std::move(c);
        CHECK(wait_exit_code(try_lock_in_child(moved.dirfd())) == 1);
    }

    SECTION("a second open() blocks until the holder is done")
    {
        ContainerDir held = store.open("c1");
        int pipefd[2];
        REQUIRE(::pipe2(pipefd, O_CLOEXEC) == 0);
        pid_t child = fork_child([&] {
            ::close(held.dirfd());  // a forked child must drop the inherited lock fd (see container_dir.hpp)
            ::close(pipefd[0]);
            char c = 'k';
            try {
                ContainerDir mine = Store(root).open("c1");
                if (mine.read().status != Status::running) c = 'w';
            } catch (const Error& e) {
                c = std::string(e.what()).find("does not exist") != std::string::npos ? 'm' : 'e';
            }
            return ::write(pipefd[1], &c, 1) == 1 ? 0 : 4;
        });
        ::close(pipefd[1]);
        CHECK(read_byte(pipefd[0], 300) == '\0');  // still waiting
        Record r = held.read();
        r.status = Status::running;
        held.write(r);
        { ContainerDir gone = std::move(held); }  // release
        CHECK(read_byte(pipefd[0], 10000) == 'k');
        CHECK(wait_exit_code(child) == 0);
        ::close(pipefd[0]);
    }

    SECTION("a waiter finds the container gone when the holder deletes it")
    {
        ContainerDir held = store.open("c1");
        int pipefd[2];
        REQUIRE(::pipe2(pipefd, O_CLOEXEC) == 0);
        pid_t child = fork_child([&] {
            ::close(held.dirfd());
            ::close(pipefd[0]);
            char c = 'k';
            try {
                ContainerDir mine = Store(root).open("c1");
            } catch (const Error& e) {
                c = std::string(e.what()) == "container \"c1\" does not exist" ? 'm' : 'e';
            }
            return ::write(pipefd[1], &c, 1) == 1 ? 0 : 4;
        });
        ::close(pipefd[1]);
        CHECK(read_byte(pipefd[0], 300) == '\0');
        held.remove();
        { ContainerDir gone = std::move(held); }
        CHECK(read_byte(pipefd[0], 10000) == 'm');
        CHECK(wait_exit_code(child) == 0);
        ::close(pipefd[0]);
    }

    SECTION("a waiter never locks a deleted-and-recreated container's old directory")
    {
        ContainerDir held = store.open("c1");
        int pipefd[2];
        REQUIRE(::pipe2(pipefd, O_CLOEXEC) == 0);
        pid_t child = fork_child([&] {
            ::close(held.dirfd());
            ::close(pipefd[0]);
            char c = 'k';
            try {
                ContainerDir mine = Store(root).open("c1");
                if (mine.read().bundle != "/new") c = 'o';
            } catch (const Error&) {
                c = 'e';
            }
            return ::write(pipefd[1], &c, 1) == 1 ? 0 : 4;
        });
        ::close(pipefd[1]);
        CHECK(read_byte(pipefd[0], 300) == '\0');
        held.remove();
        ContainerDir fresh = store.create("c1");
        Record r = sample_record("c1");
        r.bundle = "/new";
        fresh.write(r);
        { ContainerDir gone = std::move(held); }  // child wakes on the old dir, must move to the new one
        CHECK(read_byte(pipefd[0], 300) == '\0');  // ...and wait for its lock
        { ContainerDir gone = std::move(fresh); }
        CHECK(read_byte(pipefd[0], 10000) == 'k');
        CHECK(wait_exit_code(child) == 0);
        ::close(pipefd[0]);
    }
}
