// The parent/child protocol: fixed-size messages over SOCK_SEQPACKET, failures with errno and
// context, and EOF when the peer is gone (what berth sees when the init exec'd or died).
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>

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
