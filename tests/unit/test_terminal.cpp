// The parent side of process.terminal: runc's rules for --console-socket, and the master's
// trip to the console socket (SCM_RIGHTS, runc's payload).
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>

#include "berth/terminal/console_socket.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"

using namespace berth;

namespace {

std::string refusal(bool terminal, const std::string& socket, bool detached)
{
    try {
        terminal::check_console_request(terminal, socket, detached);
    } catch (const Error& e) {
        return e.what();
    }
    return "ok";
}

struct Listener {
    std::string dir;
    std::string path;
    Fd fd;
    Listener()
    {
        char tmpl[] = "/tmp/berth-console-XXXXXX";
        dir = ::mkdtemp(tmpl);
        path = dir + "/sock";
        fd = Fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
        struct sockaddr_un a {};
        a.sun_family = AF_UNIX;
        std::memcpy(a.sun_path, path.c_str(), path.size());
        REQUIRE(::bind(fd.get(), reinterpret_cast<struct sockaddr*>(&a), sizeof a) == 0);
        REQUIRE(::listen(fd.get(), 1) == 0);
    }
    ~Listener() { remove_tree(dir); }
};

}  // namespace

TEST_CASE("terminal: runc's rules for --console-socket", "[terminal]")
{
    CHECK(refusal(false, "", true) == "ok");
    CHECK(refusal(false, "", false) == "ok");
    CHECK(refusal(true, "/s", true) == "ok");
    CHECK(refusal(true, "", false) == "ok");  // foreground: berth proxies the pty
    CHECK(refusal(true, "/s", false) == "ok");  // foreground, master to the socket (runc refuses)
    CHECK_THAT(refusal(true, "", true), Catch::Contains("cannot allocate tty") && Catch::Contains("console socket"));
    CHECK_THAT(refusal(false, "/s", true), Catch::Contains("cannot use console socket"));
    CHECK_THAT(refusal(false, "/s", false), Catch::Contains("process.terminal is false"));
}

TEST_CASE("terminal: the master reaches the console socket with runc's payload, berth keeps no copy", "[terminal]")
{
    Listener l;
    auto h = terminal::ConsoleHandoff::for_terminal(l.path);
    CHECK(h.expects_master());
    CHECK(h.to_socket());
    int p[2];
    REQUIRE(::pipe2(p, O_CLOEXEC) == 0);
    Fd rd(p[0]), wr(p[1]);
    struct stat sent;
    REQUIRE(::fstat(wr.get(), &sent) == 0);
    h.deliver(std::move(wr));
    CHECK(h.delivered());
    CHECK_FALSE(h.take_kept_master());

    Fd conn(::accept4(l.fd.get(), nullptr, nullptr, SOCK_CLOEXEC));
    REQUIRE(conn);
    char data[64] = {};
    struct iovec iov {data, sizeof data};
    alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    struct msghdr m {};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = control;
    m.msg_controllen = sizeof control;
    ssize_t n = ::recvmsg(conn.get(), &m, MSG_CMSG_CLOEXEC);
    REQUIRE(n > 0);
    CHECK(std::string(data, static_cast<size_t>(n)) == "/dev/pts/ptmx");
    struct cmsghdr* c = CMSG_FIRSTHDR(&m);
    REQUIRE(c);
    REQUIRE(c->cmsg_type == SCM_RIGHTS);
    int got;
    std::memcpy(&got, CMSG_DATA(c), sizeof got);
    Fd received(got);
    struct stat st;
    REQUIRE(::fstat(received.get(), &st) == 0);
    CHECK(st.st_ino == sent.st_ino);
    // The write end now lives only in the receiver: closing it ends the pipe.
    received.reset();
    char byte;
    CHECK(::read(rd.get(), &byte, 1) == 0);
}

TEST_CASE("terminal: without a console socket the master is kept for the proxy", "[terminal]")
{
    auto h = terminal::ConsoleHandoff::for_terminal("");
    CHECK_FALSE(h.to_socket());
    int p[2];
    REQUIRE(::pipe2(p, O_CLOEXEC) == 0);
    Fd rd(p[0]);
    int w = p[1];
    h.deliver(Fd(w));
    Fd kept = h.take_kept_master();
    CHECK(kept.get() == w);
    CHECK_THROWS_AS(h.deliver(Fd(::dup(rd.get()))), Error);  // one master per process
}

TEST_CASE("terminal: a console socket nobody listens on fails with its path", "[terminal]")
{
    CHECK_THROWS_WITH(terminal::ConsoleHandoff::for_terminal("/nonexistent/berth.sock"),
                      Catch::Contains("/nonexistent/berth.sock") && Catch::Contains("no such file or directory"));
}
