#include "berth/terminal/console_socket.hpp"

#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>

#include "berth/util/error.hpp"
#include "berth/util/fd_passing.hpp"

namespace berth::terminal {

void check_console_request(bool terminal, const std::string& console_socket, bool detached)
{
    // runc's wording, with berth's name.
    if (terminal && detached && console_socket.empty())
        throw Error("cannot allocate tty if berth will detach without setting console socket");
    if (!terminal && !console_socket.empty())
        throw Error("cannot use console socket if berth will not allocate tty (process.terminal is false)");
}

Fd connect_console_socket(const std::string& path)
{
    struct sockaddr_un addr {};
    addr.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof addr.sun_path)
        throw Error("--console-socket " + path + ": not a usable unix socket path");
    std::memcpy(addr.sun_path, path.data(), path.size());
    Fd sock(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!sock) throw_errno("console socket: socket");
    int r;
    do {
        r = ::connect(sock.get(), reinterpret_cast<const struct sockaddr*>(&addr), sizeof addr);
    } while (r < 0 && errno == EINTR);
    if (r < 0) throw_errno("connect to console socket " + path);
    return sock;
}

void send_master(int sock, int master, const std::string& name)
{
    ssize_t n = send_with_fd(sock, name.data(), name.size(), master);
    if (n < 0) throw_errno("send the pty master to the console socket");
    if (static_cast<size_t>(n) != name.size()) throw Error("send the pty master to the console socket: short write");
}

ConsoleHandoff ConsoleHandoff::for_terminal(const std::string& console_socket)
{
    ConsoleHandoff h;
    h.expects_ = true;
    if (!console_socket.empty()) {
        h.socket_ = connect_console_socket(console_socket);
        h.to_socket_ = true;
    }
    return h;
}

void ConsoleHandoff::deliver(Fd master)
{
    if (!expects_ || delivered_) throw Error("unexpected pty master from the container");
    delivered_ = true;
    if (!socket_) {
        kept_ = std::move(master);
        return;
    }
    send_master(socket_.get(), master.get(), master_name);
    // The caller holds the only copy from now on.
    socket_.reset();
}

}  // namespace berth::terminal
