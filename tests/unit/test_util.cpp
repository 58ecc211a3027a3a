// util helpers shared by several modules: mkdir_p, poll_until.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <chrono>
#include <string>
#include <vector>

#include "berth/util/error.hpp"
#include "berth/util/file.hpp"
#include "berth/util/retry.hpp"
#include "support.hpp"

using namespace berth;

namespace {

bool is_dir(const std::string& p)
{
    struct stat st;
    return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

unsigned mode_of(const std::string& p)
{
    struct stat st;
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

}  // namespace

TEST_CASE("mkdir_p creates missing parents and accepts existing ones", "[util][file]")
{
    test::TempDir t{"berth-util"};
    mode_t old = ::umask(0);
    mkdir_p(t.path + "/a/b//c/", 0711);
    ::umask(old);
    CHECK(is_dir(t.path + "/a/b/c"));
    CHECK(mode_of(t.path + "/a") == 0711);
    CHECK(mode_of(t.path + "/a/b/c") == 0711);
    mkdir_p(t.path + "/a/b/c", 0700);  // all there: nothing to do
    CHECK(mode_of(t.path + "/a/b/c") == 0711);

    write_file_atomic(t.path + "/file", "x");
    CHECK_THROWS_WITH(mkdir_p(t.path + "/file/d", 0700), "mkdir " + t.path + "/file: not a directory");
    CHECK_THROWS_WITH(mkdir_p("", 0700), "mkdir: empty path");

    // Relative paths work from the current directory.
    char cwd[4096];
    REQUIRE(::getcwd(cwd, sizeof cwd));
    REQUIRE(::chdir(t.path.c_str()) == 0);
    mkdir_p("r/s", 0755);
    REQUIRE(::chdir(cwd) == 0);
    CHECK(is_dir(t.path + "/r/s"));
}

TEST_CASE("mkdir_p below a base calls each_level for every level under it", "[util][file]")
{
    test::TempDir t{"berth-util"};
    std::vector<std::string> levels;
    auto record = [&](const std::string& l) { levels.push_back(l); };
    mkdir_p(t.path + "/a//b/c", 0755, t.path, record);
    CHECK(levels == std::vector<std::string>{t.path + "/a", t.path + "/a/b", t.path + "/a/b/c"});
    levels.clear();
    mkdir_p(t.path + "/a/b/d", 0755, t.path + "/", record);  // existing levels are reported too
    CHECK(levels == std::vector<std::string>{t.path + "/a", t.path + "/a/b", t.path + "/a/b/d"});
    CHECK_THROWS_WITH(mkdir_p(t.path + "x/y", 0755, t.path), "mkdir " + t.path + "x/y: not below " + t.path);
    // An error from the callback stops the walk.
    levels.clear();
    CHECK_THROWS_WITH(mkdir_p(t.path + "/e/f", 0755, t.path,
                              [&](const std::string& l) {
                                  levels.push_back(l);
                                  throw Error("stop");
                              }),
                      "stop");
    CHECK(levels == std::vector<std::string>{t.path + "/e"});
    CHECK_FALSE(is_dir(t.path + "/e/f"));
}

TEST_CASE("write_file_atomic: new, replaced (swapped in, the old one unlinked), never over a directory", "[util][file]")
{
    test::TempDir t{"berth-util"};
    const std::string f = t.path + "/state.json";
    write_file_atomic(f, "first", 0600);
    CHECK(read_file(f) == "first");
    CHECK(mode_of(f) == 0600);
    struct stat before;
    REQUIRE(::stat(f.c_str(), &before) == 0);
    // A reader holding the old file keeps reading the old contents.
    std::FILE* old = std::fopen(f.c_str(), "r");
    REQUIRE(old);
    write_file_atomic(f, "second", 0600);
    CHECK(read_file(f) == "second");
    struct stat after;
    REQUIRE(::stat(f.c_str(), &after) == 0);
    CHECK(after.st_ino != before.st_ino);
    char buf[16] = {};
    CHECK(std::fread(buf, 1, sizeof buf - 1, old) == 5);
    CHECK(std::string(buf) == "first");
    std::fclose(old);
    CHECK_FALSE(path_exists(t.path + "/.state.json.tmp"));  // the old one went with the swap
    // A leftover temporary file (berth killed between the swap and the unlink) is reused.
    write_file_atomic(t.path + "/.state.json.tmp", "stale", 0600);
    write_file_atomic(f, "third", 0600);
    CHECK(read_file(f) == "third");
    CHECK_FALSE(path_exists(t.path + "/.state.json.tmp"));
    // Over a directory it fails as rename(2) does, and leaves the directory and nothing else.
    REQUIRE(::mkdir((t.path + "/d").c_str(), 0700) == 0);
    REQUIRE(::mkdir((t.path + "/d/inside").c_str(), 0700) == 0);
    CHECK_THROWS_WITH(write_file_atomic(t.path + "/d", "x"), Catch::Contains("rename .d.tmp to d"));
    CHECK(is_dir(t.path + "/d/inside"));
    CHECK_FALSE(path_exists(t.path + "/.d.tmp"));
}

TEST_CASE("poll_until: stops when done, gives up at the deadline", "[util][retry]")
{
    using Clock = std::chrono::steady_clock;
    int calls = 0;
    CHECK(poll_until(Clock::now() + std::chrono::seconds(5), [&] { return ++calls == 3; }));
    CHECK(calls == 3);

    calls = 0;
    auto start = Clock::now();
    CHECK_FALSE(poll_until(start + std::chrono::milliseconds(5), [&] { return ++calls < 0; }));
    CHECK(calls >= 2);
    CHECK(Clock::now() - start < std::chrono::seconds(1));

    calls = 0;  // a deadline already past still gets one try
    CHECK(poll_until(Clock::now() - std::chrono::seconds(1), [&] { return ++calls == 1; }));
}
