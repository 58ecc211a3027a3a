// Layer entry names, whiteout markers, id maps and image users: the pure parts of berth-unpack.
#include <catch2/catch.hpp>

#include "berth/unpack/entry_path.hpp"
#include "berth/unpack/id_map.hpp"
#include "berth/unpack/user_lookup.hpp"
#include "berth/util/error.hpp"

using namespace berth::unpack;

TEST_CASE("layer entry names are cleaned relative to the rootfs, and refused when they climb out", "[unpack]")
{
    struct Case {
        const char* in;
        const char* out;  // nullptr: refused
    };
    const Case cases[] = {
        {"a/b/c", "a/b/c"},   {"./a/b", "a/b"},       {"a//b/./c/", "a/b/c"}, {"/abs/x", "abs/x"},
        {"a/../b", "b"},      {"./", ""},             {".", ""},              {"/", ""},
        {"../x", nullptr},    {"a/../../x", nullptr}, {"../../etc/x", nullptr}, {"/../x", nullptr},
        {"a/b/../../c", "c"}, {"...", "..."},         {"..a/b", "..a/b"},
    };
    for (const auto& c : cases) {
        INFO(c.in);
        auto got = clean_entry_path(c.in);
        if (!c.out) {
            CHECK_FALSE(got.has_value());
        } else {
            REQUIRE(got.has_value());
            CHECK(*got == c.out);
        }
    }
}

TEST_CASE("whiteout markers follow image-spec's layer changesets", "[unpack]")
{
    auto w = whiteout_of("etc/.wh.passwd");
    CHECK(w.kind == Whiteout::entry);
    CHECK(w.target == "etc/passwd");
    w = whiteout_of(".wh.top");
    CHECK(w.kind == Whiteout::entry);
    CHECK(w.target == "top");
    w = whiteout_of("var/lib/.wh..wh..opq");
    CHECK(w.kind == Whiteout::opaque);
    CHECK(w.target == "var/lib");
    w = whiteout_of(".wh..wh..opq");
    CHECK(w.kind == Whiteout::opaque);
    CHECK(w.target.empty());
    CHECK(whiteout_of("etc/passwd").kind == Whiteout::none);
    CHECK(whiteout_of("etc/x.wh.y").kind == Whiteout::none);
    // Markers that name nothing sensible are not whiteouts; the applier refuses them.
    CHECK(whiteout_of("etc/.wh.").kind == Whiteout::none);
    CHECK(whiteout_of("etc/.wh..wh.plnk").kind == Whiteout::none);
    CHECK(is_whiteout_name("etc/.wh..wh.plnk"));
    CHECK_FALSE(is_whiteout_name("etc/.whx"));
    CHECK(split_parent("a/b/c") == std::pair<std::string_view, std::string_view>{"a/b", "c"});
    CHECK(split_parent("c") == std::pair<std::string_view, std::string_view>{"", "c"});
}

TEST_CASE("id maps translate layer owners to host owners", "[unpack]")
{
    IdMap m;
    CHECK(m.to_host(1234) == 1234u);  // no map: identity
    m.ranges.push_back(parse_id_range("0:100000:65536", "--uid-map"));
    CHECK(m.to_host(0) == 100000u);
    CHECK(m.to_host(1000) == 101000u);
    CHECK(m.to_host(65535) == 165535u);
    CHECK_FALSE(m.to_host(65536).has_value());
    CHECK_THROWS_WITH(parse_id_range("0:1", "--uid-map"), "--uid-map 0:1: expected containerID:hostID:size");
    CHECK_THROWS_WITH(parse_id_range("0:1:x", "--gid-map"), "--gid-map 0:1:x: expected containerID:hostID:size");
    CHECK_THROWS_WITH(parse_id_range("0:1:0", "--uid-map"), "--uid-map 0:1:0: size must be at least 1");
    CHECK_THROWS(parse_id_range("4294967295:0:2", "--uid-map"));
}

TEST_CASE("an image's User resolves through its /etc/passwd and /etc/group", "[unpack]")
{
    const std::optional<std::string> passwd = std::string("root:x:0:0:root:/root:/bin/sh\n"
                                                          "# comment\n"
                                                          "broken line\n"
                                                          "app:x:1000:1000::/home/app:/bin/sh\n"
                                                          "svc:x:200:300::/:/bin/false\n");
    const std::optional<std::string> group = std::string("root:x:0:\nwheel:x:10:app,svc\napp:x:1000:\n"
                                                         "staff:x:50:app\nsvcgrp:x:300:\n");
    auto r = resolve_user("", passwd, group);
    CHECK(r.uid == 0);
    CHECK(r.gid == 0);
    CHECK(r.additional_gids.empty());  // numeric (root by default): no group lookup

    r = resolve_user("app", passwd, group);
    CHECK(r.uid == 1000);
    CHECK(r.gid == 1000);
    CHECK(r.additional_gids == std::vector<uint32_t>{10, 50});

    r = resolve_user("svc", passwd, group);
    CHECK(r.uid == 200);
    CHECK(r.gid == 300);
    CHECK(r.additional_gids == std::vector<uint32_t>{10});

    r = resolve_user("1000", passwd, group);  // numeric: gid from passwd, no supplementary groups
    CHECK(r.uid == 1000);
    CHECK(r.gid == 1000);
    CHECK(r.additional_gids.empty());

    r = resolve_user("4242", passwd, group);  // numeric without an entry is fine
    CHECK(r.uid == 4242);
    CHECK(r.gid == 0);

    r = resolve_user("app:staff", passwd, group);  // a group given: no supplementary groups
    CHECK(r.uid == 1000);
    CHECK(r.gid == 50);
    CHECK(r.additional_gids.empty());

    r = resolve_user("1000:77", passwd, group);
    CHECK(r.uid == 1000);
    CHECK(r.gid == 77);

    CHECK_THROWS_WITH(resolve_user("nobody", passwd, group), "user nobody: no such user in the image's /etc/passwd");
    CHECK_THROWS_WITH(resolve_user("app", std::nullopt, group), "user app: the image has no /etc/passwd");
    CHECK_THROWS_WITH(resolve_user("app:nogroup", passwd, group), "group nogroup: no such group in the image's /etc/group");
    CHECK_THROWS_WITH(resolve_user("app:", passwd, group), "user app:: empty group");
    r = resolve_user("0:0", std::nullopt, std::nullopt);
    CHECK(r.uid == 0);
    CHECK(r.gid == 0);
}
