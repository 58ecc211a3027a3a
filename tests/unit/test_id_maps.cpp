#include <catch2/catch.hpp>

#include "berth/linux/id_maps.hpp"
#include "berth/runtime/rootless.hpp"

using berth::os::map_helper_args;
using berth::os::map_writer;
using berth::os::MapWriter;

TEST_CASE("id maps: who may write them", "[userns]")
{
    // Root (on the host, or in podman's user namespace) writes any map itself.
    CHECK(map_writer("0 100000 65536\n", "0 100000 65536\n", 0, 0, true) == MapWriter::direct);
    // A user mapping only its own ids writes them itself (setgroups denied first).
    CHECK(map_writer("0 1000 1\n", "0 1000 1\n", 1000, 1000, false) == MapWriter::own_id);
    CHECK(map_writer("1000 1000 1\n", "0 100 1\n", 1000, 100, false) == MapWriter::own_id);
    // Anything more goes through newuidmap/newgidmap.
    CHECK(map_writer("0 1000 1\n1 200000 65536\n", "0 1000 1\n", 1000, 1000, false) == MapWriter::helpers);
    CHECK(map_writer("0 1000 1\n", "0 1001 1\n", 1000, 1000, false) == MapWriter::helpers);
    CHECK(map_writer("0 1000 2\n", "0 1000 1\n", 1000, 1000, false) == MapWriter::helpers);
    CHECK(map_writer("0 1000 1\n", "0 1000 1\n", 1001, 1000, false) == MapWriter::helpers);
}

TEST_CASE("id maps: newuidmap's arguments", "[userns]")
{
    CHECK(map_helper_args("0 1000 1\n1 200000 65536\n") ==
          std::vector<std::string>{"0", "1000", "1", "1", "200000", "65536"});
    CHECK(map_helper_args("").empty());
}

TEST_CASE("rootless: the initial user namespace and denied setgroups", "[userns]")
{
    using berth::runtime::in_initial_user_namespace;
    CHECK(in_initial_user_namespace("         0          0 4294967295\n"));
    CHECK_FALSE(in_initial_user_namespace("         0       1001          1\n         1     200000      65536\n"));
    CHECK_FALSE(in_initial_user_namespace(""));

    berth::os::Identity id;
    berth::runtime::keep_groups_if_denied(id, false, "config.json: .process");
    CHECK(id.set_groups);
    berth::runtime::keep_groups_if_denied(id, true, "config.json: .process");
    CHECK_FALSE(id.set_groups);
    berth::os::Identity with_groups;
    with_groups.additional_gids = {10};
    CHECK_THROWS_WITH(berth::runtime::keep_groups_if_denied(with_groups, true, "config.json: .process"),
                      Catch::Contains("config.json: .process.user.additionalGids"));
}
