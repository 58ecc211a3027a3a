// tmpcopyup's copy: everything a directory of the image holds, with modes, owners and times,
// and nothing outside it, whatever its symlinks say. No root privileges needed.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>

#include "berth/linux/copy_up.hpp"
#include "berth/util/fd.hpp"
#include "berth/util/file.hpp"

namespace {

struct TempTree {
    std::string path;
    TempTree()
    {
        char tmpl[] = "/tmp/berth-copyup-XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~TempTree() { berth::remove_tree(path); }
    std::string at(const std::string& rel) const { return path + "/" + rel; }
};

struct stat stat_of(const std::string& p)
{
    struct stat st {};
    REQUIRE(::lstat(p.c_str(), &st) == 0);
    return st;
}

void put(const std::string& p, const std::string& data)
{
    berth::Fd fd(::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    REQUIRE(fd);
    REQUIRE(::write(fd.get(), data.data(), data.size()) == static_cast<ssize_t>(data.size()));
}

std::string link_of(const std::string& p)
{
    char buf[4096];
    ssize_t n = ::readlink(p.c_str(), buf, sizeof buf);
    REQUIRE(n >= 0);
    return std::string(buf, static_cast<size_t>(n));
}

void set_mtime(const std::string& p, time_t t)
{
    const struct timespec times[2] = {{t, 0}, {t, 0}};
    REQUIRE(::utimensat(AT_FDCWD, p.c_str(), times, AT_SYMLINK_NOFOLLOW) == 0);
}

}  // namespace

TEST_CASE("copy up: the whole tree with modes and times; symlinks copied, never followed", "[copyup]")
{
    TempTree t;
    REQUIRE(::mkdir(t.at("src").c_str(), 0755) == 0);
    REQUIRE(::mkdir(t.at("dst").c_str(), 0700) == 0);
    REQUIRE(::chmod(t.at("dst").c_str(), 01777) == 0);
    REQUIRE(::mkdir(t.at("outside").c_str(), 0755) == 0);
    put(t.at("outside/secret"), "host");
    REQUIRE(::mkdir(t.at("src/a").c_str(), 0750) == 0);
    REQUIRE(::mkdir(t.at("src/a/b").c_str(), 0700) == 0);
    put(t.at("src/a/b/deep"), "deep content");
    put(t.at("src/file"), "hello");
    REQUIRE(::chmod(t.at("src/file").c_str(), 04640) == 0);
    REQUIRE(::symlink("../outside", t.at("src/escape").c_str()) == 0);
    REQUIRE(::symlink("/etc/passwd", t.at("src/a/abs").c_str()) == 0);
    REQUIRE(::mkfifo(t.at("src/pipe").c_str(), 0600) == 0);
    REQUIRE(::chmod(t.at("src/pipe").c_str(), 0620) == 0);  // past the umask
    REQUIRE(::mkdir(t.at("src/ro").c_str(), 0555) == 0);  // the copy must still fill it
    std::string big(200000, 'x');
    put(t.at("src/a/big"), big);
    set_mtime(t.at("src/file"), 1000000);
    set_mtime(t.at("src/a/b"), 2000000);
    set_mtime(t.at("src/escape"), 3000000);

    berth::Fd src(::open(t.at("src").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    berth::Fd dst(::open(t.at("dst").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    berth::Failure f;
    REQUIRE(berth::os::copy_dir_contents(src.get(), dst.get(), f));

    CHECK(berth::read_file(t.at("dst/file")) == "hello");
    CHECK((stat_of(t.at("dst/file")).st_mode & 07777) == 04640);
    CHECK(stat_of(t.at("dst/file")).st_mtim.tv_sec == 1000000);
    CHECK(berth::read_file(t.at("dst/a/b/deep")) == "deep content");
    CHECK(berth::read_file(t.at("dst/a/big")) == big);
    CHECK((stat_of(t.at("dst/a")).st_mode & 07777) == 0750);
    CHECK((stat_of(t.at("dst/a/b")).st_mode & 07777) == 0700);
    CHECK(stat_of(t.at("dst/a/b")).st_mtim.tv_sec == 2000000);  // set after its contents
    CHECK((stat_of(t.at("dst/ro")).st_mode & 07777) == 0555);
    CHECK(S_ISFIFO(stat_of(t.at("dst/pipe")).st_mode));
    CHECK((stat_of(t.at("dst/pipe")).st_mode & 0777) == 0620);
    // Symlinks are links in the copy, with their own times; what they point at is not copied.
    CHECK(S_ISLNK(stat_of(t.at("dst/escape")).st_mode));
    CHECK(link_of(t.at("dst/escape")) == "../outside");
    CHECK(stat_of(t.at("dst/escape")).st_mtim.tv_sec == 3000000);
    CHECK(link_of(t.at("dst/a/abs")) == "/etc/passwd");
    CHECK((stat_of(t.at("dst")).st_mode & 07777) == 01777);  // the target's own root is left alone
    CHECK(berth::read_file(t.at("outside/secret")) == "host");
}

TEST_CASE("copy up: a name that exists in the target fails the copy, naming it", "[copyup]")
{
    TempTree t;
    REQUIRE(::mkdir(t.at("src").c_str(), 0755) == 0);
    REQUIRE(::mkdir(t.at("dst").c_str(), 0755) == 0);
    put(t.at("src/x"), "1");
    put(t.at("dst/x"), "2");
    berth::Fd src(::open(t.at("src").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    berth::Fd dst(::open(t.at("dst").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    berth::Failure f;
    CHECK_FALSE(berth::os::copy_dir_contents(src.get(), dst.get(), f));
    CHECK(f.err == EEXIST);
    CHECK(std::string(f.msg) == "create x");
    CHECK(berth::read_file(t.at("dst/x")) == "2");
}
