// Process attributes: the name tables, CPU/node lists and the memory policy arguments.
#include <catch2/catch.hpp>
#include <linux/mempolicy.h>
#include <sys/personality.h>

#include "berth/linux/process_attrs.hpp"
#include "berth/runtime/process_plan.hpp"

using namespace berth;

TEST_CASE("process attributes: name tables are the kernel's", "[process_attrs]")
{
    CHECK(os::personality_domain("LINUX32") == PER_LINUX32);
    CHECK_FALSE(os::personality_domain("linux"));
    CHECK(os::sched_policy("SCHED_BATCH") == 3u);
    CHECK(os::sched_policy("SCHED_DEADLINE") == 6u);
    CHECK(os::sched_flag("SCHED_FLAG_RESET_ON_FORK") == 1u);
    CHECK_FALSE(os::sched_flag("RESET_ON_FORK"));
    CHECK(os::ioprio_value(*os::ioprio_class("IOPRIO_CLASS_BE"), 6) == ((2 << 13) | 6));
    CHECK(os::mempolicy_mode("MPOL_BIND") == MPOL_BIND);
    CHECK(os::mempolicy_flag("MPOL_F_STATIC_NODES") == MPOL_F_STATIC_NODES);
}

TEST_CASE("process attributes: id lists", "[process_attrs]")
{
    std::vector<unsigned> ids;
    REQUIRE(os::parse_id_list("0-3,7", 1024, ids));
    CHECK(ids == std::vector<unsigned>{0, 1, 2, 3, 7});
    REQUIRE(os::parse_id_list("5", 1024, ids));
    CHECK(ids == std::vector<unsigned>{5});
    for (const char* bad : {"", ",", "1,", "3-1", "a", "1-", "-1", "1024", "0-1024", "1,,2"})
        CHECK_FALSE(os::parse_id_list(bad, 1024, ids));
}

TEST_CASE("process attributes: memory policy arguments", "[process_attrs]")
{
    auto p = runtime::memory_policy({"MPOL_INTERLEAVE", "0,2,65", {"MPOL_F_STATIC_NODES"}});
    CHECK(p.mode == (MPOL_INTERLEAVE | MPOL_F_STATIC_NODES));
    REQUIRE(p.mask.size() == 2);
    CHECK(p.mask[0] == 0b101);
    CHECK(p.mask[1] == 0b10);
    CHECK(p.maxnode == 129);
    auto local = runtime::memory_policy({"MPOL_LOCAL", "", {}});
    CHECK(local.mask.empty());
    CHECK(local.maxnode == 0);
}
