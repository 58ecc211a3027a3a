// Parsers behind `events`: the OOM counters of memory.events / memory.oom_control and the
// network_interfaces counters from /proc/<pid>/net/dev.
#include <catch2/catch.hpp>

#include "berth/cgroups/oom_watch.hpp"
#include "berth/linux/net_stats.hpp"

using namespace berth;

TEST_CASE("keyed_value reads one key of a cgroup key-value file")
{
    const char* v2 = "low 0\nhigh 0\nmax 12\noom 3\noom_kill 2\noom_group_kill 0\n";
    CHECK(cgroups::keyed_value(v2, "oom_kill") == 2u);
    CHECK(cgroups::keyed_value(v2, "oom") == 3u);  // not the prefix of oom_kill or oom_group_kill
    CHECK(cgroups::keyed_value(v2, "max") == 12u);
    CHECK_FALSE(cgroups::keyed_value(v2, "oom_k"));
    const char* v1 = "oom_kill_disable 0\nunder_oom 1\noom_kill 7";  // no final newline
    CHECK(cgroups::keyed_value(v1, "oom_kill") == 7u);
    CHECK(cgroups::keyed_value(v1, "under_oom") == 1u);
    CHECK_FALSE(cgroups::keyed_value("oom_kill x\n", "oom_kill"));
    CHECK_FALSE(cgroups::keyed_value("", "oom_kill"));
}

TEST_CASE("parse_net_dev takes the receive and transmit counters of each interface")
{
    const char* text =
        "Inter-|   Receive                                                |  Transmit\n"
        " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls "
        "carrier compressed\n"
        "    lo:     840      10    0    0    0     0          0         0      840      10    0    0    0     0  "
        "     0          0\n"
        "  eth0: 123456789 1001 2 3 4 5 6 7 987654321 2002 8 9 10 11 12 13\n"
        "veth-with-a-long:1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n"
        "  bad0: 1 2 3\n";
    auto all = os::parse_net_dev(text);
    REQUIRE(all.size() == 3);
    CHECK(all[0] == os::NetInterfaceStats{"lo", 840, 10, 0, 0, 840, 10, 0, 0});
    CHECK(all[1] == os::NetInterfaceStats{"eth0", 123456789, 1001, 2, 3, 987654321, 2002, 8, 9});
    // Long names run into the first counter on older kernels' formatting.
    CHECK(all[2] == os::NetInterfaceStats{"veth-with-a-long", 1, 2, 3, 4, 9, 10, 11, 12});
    CHECK(os::parse_net_dev("").empty());
}
