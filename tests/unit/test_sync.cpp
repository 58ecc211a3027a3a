// The parent/child protocol: fixed-size messages over SOCK_SEQPACKET, failures with errno and
// context, and EOF when the peer is gone (what berth sees when the init exec'd or died).
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "berth/runtime/network_gate.hpp"
#include "berth/runtime/sync.hpp"
#include "berth/util/fd.hpp"

using namespace berth;
using namespace berth::runtime;

namespace {
FdPair seqpacket_pair()
{
    int sv[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0);
    return {Fd(sv[0]), Fd(sv[1])};
}
}  // namespace

TEST_CASE("sync: typed messages arrive whole and in order", "[sync]")
{
    auto [a, b] = seqpacket_pair();
    REQUIRE(sync_send(a.get(), SyncType::go));
    REQUIRE(sync_send(a.get(), SyncType::init_pid, 4242));
    SyncMsg m;
    REQUIRE(sync_recv(b.get(), m) == 1);
    CHECK(m.type == SyncType::go);
    REQUIRE(sync_recv(b.get(), m) == 1);
    CHECK(m.type == SyncType::init_pid);
    CHECK(m.pid == 4242);
}

TEST_CASE("sync: a failure carries errno and its context", "[sync]")
{
    auto [a, b] = seqpacket_pair();
    Failure f;
    f.set(EPERM, "mount %s", "/proc");
    f.wrap("setting up c1");
    REQUIRE(sync_send_failure(a.get(), f));
    SyncMsg m;
    REQUIRE(sync_recv(b.get(), m) == 1);
    CHECK(m.type == SyncType::error);
    CHECK(m.failure.err == EPERM);
    CHECK(std::string(m.failure.msg) == "setting up c1: mount /proc");
}

TEST_CASE("sync: the peer closing reads as 0, a send to it fails", "[sync]")
{
    auto [a, b] = seqpacket_pair();
    a.reset();
    SyncMsg m;
    CHECK(sync_recv(b.get(), m) == 0);
    CHECK_FALSE(sync_send(b.get(), SyncType::go));
    CHECK(errno == EPIPE);
}

// The init fails right after berth's `go` while berth already sent the next message: the init
// exits with it unread, which resets the connection; its failure must still reach berth.
TEST_CASE("sync: a failure sent before the peer exits survives the reset of unread messages", "[sync]")
{
    auto [a, b] = seqpacket_pair();
    REQUIRE(sync_send(a.get(), SyncType::cgroup_ready));  // never read by b
    Failure f;
    f.set(EINVAL, "sysctl net.ipv4.ip_forward: write");
    REQUIRE(sync_send_failure(b.get(), f));
    b.reset();
    SyncMsg m;
    REQUIRE(sync_recv(a.get(), m) == 1);
    CHECK(m.type == SyncType::error);
    CHECK(m.failure.err == EINVAL);
    CHECK(sync_recv(a.get(), m) == 0);
}

TEST_CASE("sync: a message carries an fd that works on the other side", "[sync]")
{
    auto [a, b] = seqpacket_pair();
    int p[2];
    REQUIRE(::pipe2(p, O_CLOEXEC) == 0);
    Fd rd(p[0]), wr(p[1]);
    REQUIRE(sync_send(a.get(), SyncType::hooks, 0, wr.get()));
    wr.reset();  // the receiver's copy is now the only write end
    SyncMsg m;
    Fd got;
    REQUIRE(sync_recv(b.get(), m, &got) == 1);
    CHECK(m.type == SyncType::hooks);
    REQUIRE(got);
    CHECK((::fcntl(got.get(), F_GETFD) & FD_CLOEXEC) != 0);
    REQUIRE(::write(got.get(), "x", 1) == 1);
    char c = 0;
    REQUIRE(::read(rd.get(), &c, 1) == 1);
    CHECK(c == 'x');
    got.reset();
    CHECK(::read(rd.get(), &c, 1) == 0);  // no copy of the write end is left anywhere
}

TEST_CASE("sync: a message without an fd leaves the receiver's slot empty", "[sync]")
{
    auto [a, b] = seqpacket_pair();
    REQUIRE(sync_send(a.get(), SyncType::ready));
    SyncMsg m;
    Fd got;
    REQUIRE(sync_recv(b.get(), m, &got) == 1);
    CHECK_FALSE(got);
}

TEST_CASE("sync: every message type has a name for --debug", "[sync]")
{
    CHECK(std::string(sync_type_name(SyncType::console)) == "console");
    CHECK(std::string(sync_type_name(SyncType::seccomp_fd)) == "seccomp_fd");
}

TEST_CASE("sync: the network gate reads nothing unless berth makes the namespace", "[sync]")
{
    auto [a, b] = seqpacket_pair();
    runtime::ContainerPlan plan;
    NetworkGate gate(plan, b.get());
    REQUIRE(sync_send(a.get(), SyncType::cgroup_ready));
    Failure f;
    CHECK(gate.enter(f));
    SyncMsg m;
    REQUIRE(sync_recv(b.get(), m) == 1);  // still there for the step that waits for it
    CHECK(m.type == SyncType::cgroup_ready);
}

TEST_CASE("sync: the network gate refuses another message, or berth gone, with context", "[sync]")
{
    runtime::ContainerPlan plan;
    plan.network_aside = true;
    {
        auto [a, b] = seqpacket_pair();
        NetworkGate gate(plan, b.get());
        REQUIRE(sync_send(a.get(), SyncType::cgroup_ready));
        Failure f;
        CHECK_FALSE(gate.enter(f));
        CHECK(f.err == EPROTO);
        CHECK(std::string(f.msg).find("unexpected message") != std::string::npos);
    }
    {
        auto [a, b] = seqpacket_pair();
        NetworkGate gate(plan, b.get());
        REQUIRE(sync_send(a.get(), SyncType::network_ns));  // no fd with it
        Failure f;
        CHECK_FALSE(gate.enter(f));
        CHECK(f.err == EPROTO);
    }
    {
        auto [a, b] = seqpacket_pair();
        NetworkGate gate(plan, b.get());
        a.reset();
        Failure f;
        CHECK_FALSE(gate.enter(f));
        CHECK(f.err == EPIPE);
        CHECK(std::string(f.msg) == "waiting for berth");
    }
}

TEST_CASE("sync: the network gate joins the namespace it is sent, once", "[sync][root]")
{
    auto [a, b] = seqpacket_pair();
    runtime::ContainerPlan plan;
    plan.network_aside = true;
    NetworkGate gate(plan, b.get());
    // Our own namespace: joining it changes nothing for the rest of the tests.
    Fd own(::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC));
    REQUIRE(own);
    REQUIRE(sync_send(a.get(), SyncType::network_ns, 0, own.get()));
    REQUIRE(sync_send(a.get(), SyncType::cgroup_ready));
    Failure f;
    CHECK(gate.enter(f));
    CHECK(gate.enter(f));  // joined: reads nothing more
    SyncMsg m;
    REQUIRE(sync_recv(b.get(), m) == 1);
    CHECK(m.type == SyncType::cgroup_ready);
}

TEST_CASE("sync: with go deferred, the network gate takes go first, once", "[sync]")
{
    runtime::ContainerPlan plan;
    plan.network_aside = true;
    plan.go_deferred = true;
    {
        // go, then the namespace without its fd: go is taken, and the namespace is refused.
        auto [a, b] = seqpacket_pair();
        NetworkGate gate(plan, b.get());
        REQUIRE(sync_send(a.get(), SyncType::go));
        REQUIRE(sync_send(a.get(), SyncType::network_ns));
        Failure f;
        CHECK_FALSE(gate.enter(f));
        CHECK(f.err == EPROTO);
        CHECK(std::string(f.msg) == "network_ns from berth without its namespace");
        CHECK_FALSE(plan.go_deferred);  // later waits do not expect it again
    }
    plan.go_deferred = true;
    {
        // Anything but go first is a protocol error.
        auto [a, b] = seqpacket_pair();
        NetworkGate gate(plan, b.get());
        REQUIRE(sync_send(a.get(), SyncType::network_ns));
        Failure f;
        CHECK_FALSE(gate.enter(f));
        CHECK(f.err == EPROTO);
        CHECK(std::string(f.msg).find("unexpected message") != std::string::npos);
    }
}

TEST_CASE("sync: a brief poll ends at a queued message, or at its budget", "[sync]")
{
    using namespace std::chrono;
    auto [a, b] = seqpacket_pair();
    // Nothing comes: back after the budget, not much later, and nothing was read.
    auto t0 = steady_clock::now();
    sync_poll_briefly(b.get(), 2'000'000);
    auto waited = steady_clock::now() - t0;
    CHECK(waited >= milliseconds(2));
    CHECK(waited < seconds(2));
    // A message already there: back at once, and it is still there to read.
    REQUIRE(sync_send(a.get(), SyncType::cgroup_ready));
    t0 = steady_clock::now();
    sync_poll_briefly(b.get(), 10'000'000'000L);
    CHECK(steady_clock::now() - t0 < seconds(5));
    Failure f;
    CHECK(sync_wait_for(b.get(), SyncType::cgroup_ready, f));
    // One that arrives during the poll ends it.
    std::thread sender([fd = a.get()] {
        std::this_thread::sleep_for(milliseconds(20));
        (void)sync_send(fd, SyncType::network_ns);
    });
    t0 = steady_clock::now();
    sync_poll_briefly(b.get(), 30'000'000'000L);
    waited = steady_clock::now() - t0;
    sender.join();
    CHECK(waited >= milliseconds(15));
    CHECK(waited < seconds(20));
    CHECK(sync_wait_for(b.get(), SyncType::network_ns, f));
}

TEST_CASE("sync: the init's wait for berth takes a deferred go first, once, then what it wants", "[sync]")
{
    const auto unplaced = os::CpuPlacement{};  // inactive: no poll
    auto [a, b] = seqpacket_pair();
    bool deferred = true;
    REQUIRE(sync_send(a.get(), SyncType::go));
    REQUIRE(sync_send(a.get(), SyncType::cgroup_ready));
    REQUIRE(sync_send(a.get(), SyncType::go));
    Failure f;
    CHECK(sync_wait_for_berth(b.get(), SyncType::cgroup_ready, deferred, unplaced, f));
    CHECK_FALSE(deferred);
    // Taken: a second go is not what the next wait wants.
    CHECK_FALSE(sync_wait_for_berth(b.get(), SyncType::cgroup_ready, deferred, unplaced, f));
    CHECK(f.err == EPROTO);
    // And without the go first, the deferred wait refuses what comes instead.
    deferred = true;
    REQUIRE(sync_send(a.get(), SyncType::cgroup_ready));
    CHECK_FALSE(sync_wait_for_berth(b.get(), SyncType::cgroup_ready, deferred, unplaced, f));
    CHECK(f.err == EPROTO);
    CHECK(deferred);
}
