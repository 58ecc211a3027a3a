#include <catch2/catch.hpp>

#include "berth/linux/id_maps.hpp"

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
