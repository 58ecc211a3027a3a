// The init's CPU placement beside berth (issue 13): the mask berth gives it after the clone,
// and the one it takes back before anything of the container's runs.
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "berth/linux/cpu_placement.hpp"
#include "berth/util/fd.hpp"

using namespace berth;

namespace {
cpu_set_t cpus(std::initializer_list<int> list)
{
    cpu_set_t s;
    CPU_ZERO(&s);
    for (int c : list) CPU_SET(static_cast<unsigned>(c), &s);
    return s;
}

cpu_set_t affinity_of(pid_t pid)
{
    cpu_set_t s;
    REQUIRE(::sched_getaffinity(pid, sizeof s, &s) == 0);
    return s;
}

// What the child saw: whether the placement was in effect before its restore() and after,
// and its mask after.
struct ChildReport {
    bool placed_before = false;
    bool placed_after = false;
    cpu_set_t mask{};
};

// A child, placed by `placement` right after the fork, that waits for a byte, restores its
// mask and reports it. `meanwhile(pid)` runs between the placement and the byte.
template <class Meanwhile>
ChildReport placed_child(const os::CpuPlacement& placement, Meanwhile meanwhile)
{
    int go[2], report[2];
    REQUIRE(::pipe(go) == 0);
    REQUIRE(::pipe(report) == 0);
    Fd go_r(go[0]), go_w(go[1]), report_r(report[0]), report_w(report[1]);
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        char c;
        if (::read(go_r.get(), &c, 1) != 1) ::_exit(2);
        ChildReport r;
        r.placed_before = placement.in_effect();
        placement.restore();
        r.placed_after = placement.in_effect();
        if (::sched_getaffinity(0, sizeof r.mask, &r.mask) < 0) ::_exit(3);
        ::_exit(::write(report_w.get(), &r, sizeof r) == static_cast<ssize_t>(sizeof r) ? 0 : 4);
    }
    placement.apply(pid);
    meanwhile(pid);
    REQUIRE(::write(go_w.get(), "g", 1) == 1);
    ChildReport after;
    REQUIRE(::read(report_r.get(), &after, sizeof after) == static_cast<ssize_t>(sizeof after));
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK(status == 0);
    return after;
}
}  // namespace

TEST_CASE("cpu placement: a mask without the caller's CPU", "[placement]")
{
    auto away = os::mask_without(cpus({0, 1, 3}), 1);
    REQUIRE(away);
    auto want = cpus({0, 3});
    CHECK(CPU_EQUAL(&*away, &want));
    // Nothing left, a CPU outside the mask, or none known: stay.
    CHECK_FALSE(os::mask_without(cpus({2}), 2));
    CHECK_FALSE(os::mask_without(cpus({0, 1}), 5));
    CHECK_FALSE(os::mask_without(cpus({0, 1}), -1));
    CHECK_FALSE(os::mask_without(cpus({0, 1}), CPU_SETSIZE));
}

TEST_CASE("cpu placement: the child runs away from berth, then takes its own mask back", "[placement]")
{
    const cpu_set_t born = affinity_of(0);
    auto placement = os::CpuPlacement::away_from_caller();
    CHECK(placement.active() == (CPU_COUNT(&born) > 1));
    ChildReport after = placed_child(placement, [&](pid_t pid) {
        const cpu_set_t while_away = affinity_of(pid);
        if (placement.active()) {
            CHECK(CPU_COUNT(&while_away) == CPU_COUNT(&born) - 1);
            CHECK_FALSE(CPU_EQUAL(&while_away, &born));
        } else {
            CHECK(CPU_EQUAL(&while_away, &born));
        }
    });
    CHECK(CPU_EQUAL(&after.mask, &born));
    // In effect (the init may poll for berth's messages: sync_poll_briefly) only while placed.
    CHECK(after.placed_before == placement.active());
    CHECK_FALSE(after.placed_after);
}

TEST_CASE("cpu placement: a mask set by someone else meanwhile is kept", "[placement]")
{
    auto placement = os::CpuPlacement::away_from_caller();
    if (!placement.active()) return;  // one CPU: nothing to place (checked above)
    const cpu_set_t born = affinity_of(0);
    cpu_set_t other;
    ChildReport after = placed_child(placement, [&](pid_t pid) {
        // What joining a cpuset would have set: here, the one CPU berth kept the child off.
        const cpu_set_t away = affinity_of(pid);
        int only = -1;
        for (unsigned c = 0; c < CPU_SETSIZE && only < 0; ++c)
            if (CPU_ISSET(c, &born) && !CPU_ISSET(c, &away)) only = static_cast<int>(c);
        REQUIRE(only >= 0);
        other = cpus({only});
        REQUIRE(::sched_setaffinity(pid, sizeof other, &other) == 0);
    });
    CHECK(CPU_EQUAL(&after.mask, &other));
    // Perhaps on berth's CPU again: not in effect.
    CHECK_FALSE(after.placed_before);
}
