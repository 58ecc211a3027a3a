// RootfsWriter: layer entries land inside the rootfs whatever the rootfs already holds
// (symlinked parents, symlinks at the entry's name), and image-spec's whiteouts hide exactly
// what lower layers made. No root privileges needed: ownership is not applied here.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "berth/unpack/rootfs_writer.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"

using namespace berth;
using namespace berth::unpack;

namespace {

// A temp dir holding rootfs/ and, beside it, outside/: the decoy a hostile layer aims at.
struct Sandbox {
    std::string dir, root, outside;
    Fd rootfd;
    Sandbox()
    {
        char tmpl[] = "/tmp/berth-unpack-XXXXXX";
        dir = ::mkdtemp(tmpl);
        root = dir + "/rootfs";
        outside = dir + "/outside";
        ::mkdir(root.c_str(), 0755);
        ::mkdir(outside.c_str(), 0755);
        rootfd = Fd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    }
    ~Sandbox() { remove_tree(dir); }
    std::string at(const std::string& rel) const { return root + "/" + rel; }
};

WriterOptions unprivileged()
{
    WriterOptions o;
    o.chown = false;
    o.make_devices = false;
    return o;
}

Meta meta(mode_t mode)
{
    Meta m;
    m.mode = mode;
    m.mtime.tv_sec = 1700000000;
    return m;
}

void file(RootfsWriter& w, const std::string& path, const std::string& text, mode_t mode = 0644)
{
    Fd fd = w.regular_file(path);
    REQUIRE(write_all(fd.get(), text.data(), text.size()));
    w.finish_file(fd.get(), path, meta(mode));
}

bool exists(const std::string& p)
{
    struct stat st;
    return ::lstat(p.c_str(), &st) == 0;
}

mode_t kind(const std::string& p)
{
    struct stat st;
    REQUIRE(::lstat(p.c_str(), &st) == 0);
    return st.st_mode & S_IFMT;
}

}  // namespace

TEST_CASE("entries under a symlinked parent stay in the rootfs", "[unpack]")
{
    Sandbox s;
    RootfsWriter w(s.rootfd.get(), unprivileged());
    w.begin_layer();
    w.symlink("up", "/", meta(0777));            // absolute: the rootfs's own root
    w.symlink("rel", "../../../outside", meta(0777));  // climbs as far as it can
    file(w, "up/x", "confined\n");
    file(w, "rel/y", "confined\n");
    w.end_layer();
    CHECK(read_file(s.at("x")) == "confined\n");
    CHECK(read_file(s.at("outside/y")) == "confined\n");  // rootfs/outside, not the decoy
    CHECK_FALSE(exists(s.outside + "/x"));
    CHECK_FALSE(exists(s.outside + "/y"));
}

TEST_CASE("a symlink at the entry's name is replaced, never written through", "[unpack]")
{
    Sandbox s;
    std::string decoy = s.outside + "/decoy";
    write_file_atomic(decoy, "host\n");
    REQUIRE(::symlink(decoy.c_str(), s.at("victim").c_str()) == 0);
    RootfsWriter w(s.rootfd.get(), unprivileged());
    w.begin_layer();
    file(w, "victim", "layer\n");
    w.end_layer();
    CHECK(read_file(decoy) == "host\n");
    CHECK(kind(s.at("victim")) == S_IFREG);
    CHECK(read_file(s.at("victim")) == "layer\n");
}

TEST_CASE("hard links resolve their target inside the rootfs", "[unpack]")
{
    Sandbox s;
    write_file_atomic(s.outside + "/secret", "host secret\n");
    RootfsWriter w(s.rootfd.get(), unprivileged());
    w.begin_layer();
    w.symlink("h", "/", meta(0777));
    file(w, "secret", "rootfs file\n");
    w.hardlink("link", "h/secret");  // h -> / inside the rootfs: rootfs/secret
    CHECK_THROWS_WITH(w.hardlink("link2", "h/outside/secret"), "hard link to h/outside/secret: no such file in the rootfs");
    w.end_layer();
    struct stat a, b, host;
    REQUIRE(::stat(s.at("link").c_str(), &a) == 0);
    REQUIRE(::stat(s.at("secret").c_str(), &b) == 0);
    REQUIRE(::stat((s.outside + "/secret").c_str(), &host) == 0);
    CHECK(a.st_ino == b.st_ino);
    CHECK(host.st_nlink == 1);
}

TEST_CASE("whiteouts and opaque directories hide only what lower layers made", "[unpack]")
{
    Sandbox s;
    RootfsWriter w(s.rootfd.get(), unprivileged());
    w.begin_layer();
    w.directory("d", meta(0755));
    file(w, "d/a", "a");
    file(w, "d/b", "b");
    w.directory("d/sub", meta(0755));
    file(w, "d/sub/c", "c");
    w.directory("e", meta(0755));
    file(w, "e/gone", "x");
    file(w, "e/kept", "x");
    w.end_layer();

    w.begin_layer();
    file(w, "d/sub/new", "this layer");  // before the marker in the same layer: kept
    w.opaque("d");
    file(w, "d/after", "after");
    w.whiteout("e/gone");
    w.whiteout("e/never-existed");
    w.whiteout("nodir/x");
    w.end_layer();

    CHECK_FALSE(exists(s.at("d/a")));
    CHECK_FALSE(exists(s.at("d/b")));
    CHECK_FALSE(exists(s.at("d/sub/c")));
    CHECK(read_file(s.at("d/sub/new")) == "this layer");
    CHECK(read_file(s.at("d/after")) == "after");
    CHECK_FALSE(exists(s.at("e/gone")));
    CHECK(exists(s.at("e/kept")));
    CHECK_FALSE(exists(s.at("nodir")));
}

TEST_CASE("entries replace what a lower layer had at their name", "[unpack]")
{
    Sandbox s;
    RootfsWriter w(s.rootfd.get(), unprivileged());
    w.begin_layer();
    w.directory("p", meta(0755));
    file(w, "p/inner", "x");
    file(w, "q", "file");
    w.symlink("r", "target", meta(0777));
    w.end_layer();

    w.begin_layer();
    file(w, "p", "now a file");          // a directory tree replaced by a file
    w.directory("q", meta(0700));        // a file replaced by a directory
    file(w, "q/child", "y");             // the parent cache must not hand out the old q
    w.directory("r", meta(0755));        // a symlink replaced by a directory
    w.end_layer();

    CHECK(read_file(s.at("p")) == "now a file");
    CHECK(kind(s.at("q")) == S_IFDIR);
    CHECK(read_file(s.at("q/child")) == "y");
    CHECK(kind(s.at("r")) == S_IFDIR);
}

TEST_CASE("directory modes and times are set after their children", "[unpack]")
{
    Sandbox s;
    RootfsWriter w(s.rootfd.get(), unprivileged());
    w.begin_layer();
    w.directory("ro", meta(0555));
    file(w, "ro/f", "inside a read-only directory", 04755);
    file(w, "deep/implicit/parents", "made");  // parents missing from the tar are created
    w.end_layer();
    struct stat st;
    REQUIRE(::stat(s.at("ro").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0555);
    CHECK(st.st_mtim.tv_sec == 1700000000);
    REQUIRE(::stat(s.at("ro/f").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 04755);
    CHECK(read_file(s.at("deep/implicit/parents")) == "made");
    ::chmod(s.at("ro").c_str(), 0755);  // so that the sandbox can be removed unprivileged
}

TEST_CASE("unprivileged, device nodes are skipped with a warning and fifos are made", "[unpack]")
{
    Sandbox s;
    std::string warned;
    WriterOptions o = unprivileged();
    o.warn = [&](std::string_view m) { warned += std::string(m) + "\n"; };
    RootfsWriter w(s.rootfd.get(), o);
    w.begin_layer();
    w.node("dev/sda", S_IFBLK, makedev(8, 0), meta(0660));
    w.node("run/fifo", S_IFIFO, 0, meta(0600));
    w.end_layer();
    CHECK(warned.find("device dev/sda (8:0) skipped") != std::string::npos);
    CHECK_FALSE(exists(s.at("dev/sda")));
    CHECK(kind(s.at("run/fifo")) == S_IFIFO);
}
