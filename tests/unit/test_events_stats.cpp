// Parsers behind `events`: the OOM counters of memory.events / memory.oom_control.
#include <catch2/catch.hpp>

#include "berth/cgroups/oom_watch.hpp"

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
