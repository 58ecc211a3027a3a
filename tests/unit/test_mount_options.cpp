#include <sys/mount.h>

#include <algorithm>

#include <catch2/catch.hpp>

#include "berth/linux/mount_options.hpp"
#include "berth/linux/private_rootfs.hpp"

using berth::os::parse_mount_options;

TEST_CASE("mount options: attributes for the mount itself", "[mount]")
{
    auto m = parse_mount_options({"nosuid", "noexec", "nodev", "ro", "relatime"});
    CHECK((m.attr_set & MOUNT_ATTR_RDONLY));
    CHECK((m.attr_set & MOUNT_ATTR_NOSUID));
    CHECK((m.attr_set & MOUNT_ATTR_NOEXEC));
    CHECK((m.attr_set & MOUNT_ATTR_NODEV));
    CHECK((m.attr_clr & MOUNT_ATTR__ATIME) == MOUNT_ATTR__ATIME);
    CHECK((m.attr_set & MOUNT_ATTR__ATIME) == MOUNT_ATTR_RELATIME);
    CHECK(m.fs_params.empty());
    CHECK_FALSE(m.bind);
}

TEST_CASE("mount options: later options override earlier ones", "[mount]")
{
    auto m = parse_mount_options({"ro", "rw", "noexec", "exec", "noatime", "strictatime"});
    CHECK_FALSE((m.attr_set & MOUNT_ATTR_RDONLY));
    CHECK((m.attr_clr & MOUNT_ATTR_RDONLY));
    CHECK_FALSE((m.attr_set & MOUNT_ATTR_NOEXEC));
    CHECK((m.attr_set & MOUNT_ATTR__ATIME) == MOUNT_ATTR_STRICTATIME);
}

TEST_CASE("mount options: filesystem parameters pass through", "[mount]")
{
    auto m = parse_mount_options({"nosuid", "strictatime", "mode=755", "size=65536k", "newinstance", "sync"});
    using P = std::pair<std::string, std::string>;
    REQUIRE(m.fs_params.size() == 4);
    CHECK(m.fs_params[0] == P{"mode", "755"});
    CHECK(m.fs_params[1] == P{"size", "65536k"});
    CHECK(m.fs_params[2] == P{"newinstance", ""});
    CHECK(m.fs_params[3] == P{"sync", ""});
}

TEST_CASE("mount options: bind, rbind and propagation", "[mount]")
{
    auto b = parse_mount_options({"bind", "rprivate"});
    CHECK(b.bind);
    CHECK_FALSE(b.recursive);
    CHECK(b.propagation == MS_PRIVATE);
    CHECK(b.propagation_recursive);
    auto r = parse_mount_options({"rbind", "slave"});
    CHECK(r.bind);
    CHECK(r.recursive);
    CHECK(r.propagation == MS_SLAVE);
    CHECK_FALSE(r.propagation_recursive);
}

TEST_CASE("mount options: recursive attributes", "[mount]")
{
    auto m = parse_mount_options({"rbind", "rro", "rnosuid"});
    CHECK((m.rattr_set & MOUNT_ATTR_RDONLY));
    CHECK((m.rattr_set & MOUNT_ATTR_NOSUID));
    CHECK(m.attr_set == 0);
}

TEST_CASE("mount options: no-ops and unsupported ones", "[mount]")
{
    auto m = parse_mount_options({"defaults", "async", "copy-symlink", "remount"});
    CHECK(m.fs_params.empty());
    REQUIRE(m.unsupported.size() == 2);
    CHECK(m.unsupported[0] == "copy-symlink");
    CHECK_FALSE(m.copy_up);
}

TEST_CASE("mount options: tmpcopyup asks for a copy, never reaches the filesystem", "[mount]")
{
    auto m = parse_mount_options({"rw", "tmpcopyup", "mode=755"});
    CHECK(m.copy_up);
    CHECK(m.unsupported.empty());
    REQUIRE(m.fs_params.size() == 1);
    CHECK(m.fs_params[0].first == "mode");
}

TEST_CASE("mount options: idmap and ridmap say how the bind is id-mapped, never reach mount(2)", "[mount]")
{
    using Idmap = berth::os::MountOptions::Idmap;
    CHECK(parse_mount_options({"bind"}).idmap == Idmap::none);
    auto top = parse_mount_options({"rbind", "idmap"});
    CHECK(top.idmap == Idmap::top);
    CHECK(top.recursive);
    CHECK(top.fs_params.empty());
    CHECK(top.unsupported.empty());
    CHECK(parse_mount_options({"rbind", "ridmap"}).idmap == Idmap::recursive);
}

TEST_CASE("rootfs propagation values", "[mount]")
{
    uint64_t f = 0;
    CHECK(berth::os::parse_propagation("", f));
    CHECK(f == (MS_SLAVE | MS_REC));
    CHECK(berth::os::parse_propagation("private", f));
    CHECK(f == MS_PRIVATE);
    CHECK(berth::os::parse_propagation("rshared", f));
    CHECK(f == (MS_SHARED | MS_REC));
    CHECK_FALSE(berth::os::parse_propagation("sharde", f));
}

TEST_CASE("known mount options: what the parser acts on, not what it refuses", "[mount]")
{
    auto known = berth::os::known_mount_options();
    CHECK(std::is_sorted(known.begin(), known.end()));
    CHECK(std::adjacent_find(known.begin(), known.end()) == known.end());
    auto has = [&](const char* o) { return std::find(known.begin(), known.end(), o) != known.end(); };
    for (const char* o : {"bind", "rbind", "ro", "rro", "rw", "rrw", "nosuid", "rnosuid", "relatime", "rrelatime",
                          "private", "rslave", "runbindable", "sync", "lazytime", "defaults", "async"})
        CHECK(has(o));
    CHECK(has("idmap"));
    CHECK(has("ridmap"));
    CHECK(has("tmpcopyup"));
    for (const char* o : {"copy-symlink", "remount", "mode", "rbindx"}) CHECK_FALSE(has(o));
    for (const auto& o : known) {
        INFO(o);
        auto m = parse_mount_options({o});
        CHECK(m.unsupported.empty());
        // Only superblock flags become filesystem parameters; everything else is understood.
        if (!m.fs_params.empty()) CHECK((o == "sync" || o == "dirsync" || o == "mand" || o == "lazytime"));
    }
}

TEST_CASE("the record of berth's rootfs copy reads back, and nothing else does", "[mount]")
{
    using berth::os::RootfsMount;
    RootfsMount m{{1234567890123ULL, true}, "/var/lib/b/rootfs"};
    CHECK(m.to_text() == "unique 1234567890123\n/var/lib/b/rootfs\n");
    auto back = RootfsMount::parse(m.to_text());
    REQUIRE(back);
    CHECK(back->id == m.id);
    CHECK(back->rootfs == m.rootfs);
    auto old = RootfsMount::parse("reusable 45\n/r\n");
    REQUIRE(old);
    CHECK_FALSE(old->id.unique);
    CHECK(old->id.id == 45);
    for (const char* bad : {"", "unique\n/r\n", "unique 12x\n/r\n", "unique 12\nr\n", "unique 12\n/r", "other 12\n/r\n",
                            "unique 12\n/r\n/s\n", "unique -1\n/r\n"})
        CHECK_FALSE(RootfsMount::parse(bad));
}
