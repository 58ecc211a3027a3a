// The root-confined path API must never resolve or create anything outside the root,
// whatever symlinks the rootfs holds (SECURITY.md #3-#5). No root privileges needed.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>

#include "berth/linux/in_root.hpp"
#include "berth/util/fd.hpp"
#include "berth/util/file.hpp"

namespace {

struct TempRoot {
    std::string path;
    berth::Fd fd;
    TempRoot()
    {
        char tmpl[] = "/tmp/berth-inroot-XXXXXX";
        path = ::mkdtemp(tmpl);
        fd = berth::Fd(::open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    }
    ~TempRoot() { berth::remove_tree(path); }
    std::string at(const std::string& rel) const { return path + "/" + rel; }
};

bool is_directory(const std::string& p)
{
    struct stat st;
    return ::lstat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool is_reg(const std::string& p)
{
    struct stat st;
    return ::lstat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string unique_host_path() { return "/tmp/berth-host-target-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand()); }

}  // namespace

TEST_CASE("create_in_root: an absolute symlink pointing out is followed inside the root", "[in_root]")
{
    TempRoot r;
    std::string host = unique_host_path();
    ::mkdir(r.at("etc").c_str(), 0755);
    REQUIRE(::symlink(host.c_str(), r.at("etc/x").c_str()) == 0);
    berth::Failure f;
    berth::Fd fd(berth::os::create_in_root(r.fd.get(), "/etc/x", berth::os::Kind::directory, 0755, f));
    REQUIRE(fd);
    CHECK_FALSE(berth::path_exists(host));  // nothing on the host
    CHECK(is_directory(r.at(host.substr(1))));    // created inside the root instead
}

TEST_CASE("create_in_root: a relative symlink climbing out is clamped to the root", "[in_root]")
{
    TempRoot r;
    ::mkdir(r.at("a").c_str(), 0755);
    REQUIRE(::symlink("../../../../../../tmp/berth-escape-target", r.at("a/up").c_str()) == 0);
    berth::Failure f;
    berth::Fd fd(berth::os::create_in_root(r.fd.get(), "/a/up/leaf", berth::os::Kind::file, 0644, f));
    REQUIRE(fd);
    CHECK(is_reg(r.at("tmp/berth-escape-target/leaf")));
    CHECK_FALSE(berth::path_exists("/tmp/berth-escape-target/leaf"));
}

TEST_CASE("create_in_root: missing parents are made, the last as a file", "[in_root]")
{
    TempRoot r;
    berth::Failure f;
    berth::Fd fd(berth::os::create_in_root(r.fd.get(), "/x/y/z", berth::os::Kind::file, 0644, f));
    REQUIRE(fd);
    CHECK(is_directory(r.at("x/y")));
    CHECK(is_reg(r.at("x/y/z")));
}

TEST_CASE("create_in_root: a missing last component is made in its parent, as resolved in the root", "[in_root]")
{
    TempRoot r;
    ::mkdir(r.at("real").c_str(), 0755);
    REQUIRE(::symlink("/real", r.at("link").c_str()) == 0);
    berth::Failure f;
    ::umask(0);
    berth::Fd fd(berth::os::create_in_root(r.fd.get(), "/link/pts", berth::os::Kind::directory, 0711, f));
    ::umask(022);
    REQUIRE(fd);
    struct stat st;
    REQUIRE(::stat(r.at("real/pts").c_str(), &st) == 0);
    CHECK(S_ISDIR(st.st_mode));
    CHECK((st.st_mode & 07777) == 0711);
    // The fd is the directory made, and a second call finds it.
    struct stat got;
    REQUIRE(::fstat(fd.get(), &got) == 0);
    CHECK(got.st_ino == st.st_ino);
    berth::Fd again(berth::os::create_in_root(r.fd.get(), "/real/pts", berth::os::Kind::directory, 0755, f));
    REQUIRE(again);
    // A file the same way.
    berth::Fd file(berth::os::create_in_root(r.fd.get(), "/link/console", berth::os::Kind::file, 0644, f));
    REQUIRE(file);
    CHECK(is_reg(r.at("real/console")));
}

TEST_CASE("create_in_root: a kind mismatch is an error", "[in_root]")
{
    TempRoot r;
    ::mkdir(r.at("d").c_str(), 0755);
    berth::Failure f;
    CHECK(berth::os::create_in_root(r.fd.get(), "/d", berth::os::Kind::file, 0644, f) < 0);
    CHECK(f.err == EISDIR);
}

TEST_CASE("strict resolution refuses a symlinked /proc (SECURITY.md #3)", "[in_root]")
{
    TempRoot r;
    ::mkdir(r.at("etc").c_str(), 0755);
    REQUIRE(::symlink("etc", r.at("proc").c_str()) == 0);
    berth::Failure f;
    int fd = berth::os::create_in_root(r.fd.get(), "/proc", berth::os::Kind::directory, 0755, f, {true});
    CHECK(fd < 0);
    CHECK(f.err == ELOOP);
    // A dangling one too: it must not be created through.
    REQUIRE(::symlink("/nowhere", r.at("sys").c_str()) == 0);
    CHECK(berth::os::create_in_root(r.fd.get(), "/sys", berth::os::Kind::directory, 0755, f, {true}) < 0);
    CHECK_FALSE(berth::path_exists(r.at("nowhere")));
}

TEST_CASE("open_in_root: magic links are not followed", "[in_root]")
{
    TempRoot r;
    REQUIRE(::symlink("/proc/self/root", r.at("escape").c_str()) == 0);
    // /proc/self/root inside the root resolves to <root>/proc/..., which does not exist.
    CHECK(berth::os::open_in_root(r.fd.get(), "/escape/etc/passwd", O_RDONLY) < 0);
}

TEST_CASE("open_in_root: '..' at the root stays at the root", "[in_root]")
{
    TempRoot r;
    ::mkdir(r.at("etc").c_str(), 0755);
    berth::Fd marker(::open(r.at("etc/marker").c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
    berth::Fd fd(berth::os::open_in_root(r.fd.get(), "/../../../etc/marker", O_RDONLY));
    CHECK(fd);
}
