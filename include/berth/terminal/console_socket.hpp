// berth's side of process.terminal: where the pty master of a process goes once its init sent it
// over the handshake. Either to the caller's console socket (--console-socket: a unix socket
// the caller listens on; the master travels with SCM_RIGHTS and the pty's name as the data, as
// runc sends it), or berth keeps it and proxies it in the foreground (io_proxy.hpp).
// create, run and exec all go through ConsoleHandoff.
#pragma once
#include <string>

#include "berth/util/fd.hpp"

namespace berth::terminal {

// runc's rules for the combination, checked before anything is created. `detached`: berth
// returns before the process ends (create, run -d, exec -d).
//   terminal, detached, no socket  -> error: nobody would get the master
//   no terminal, socket            -> error: there is no master to send
// A foreground run with a terminal and a socket sends the master there and waits (runc refuses
// that combination).
void check_console_request(bool terminal, const std::string& console_socket, bool detached);

// A stream connection to the unix socket at `path`; Error naming the path when it fails.
Fd connect_console_socket(const std::string& path);

// Sends `master` with `name` as the payload over a connected console socket.
void send_master(int sock, int master, const std::string& name);

// The payload runc sends with the master (the master's own path, which receivers such as
// containerd's go-runc use as the file's name).
inline constexpr const char* master_name = "/dev/pts/ptmx";

class ConsoleHandoff {
public:
    // No terminal: nothing is expected.
    ConsoleHandoff() = default;
    // A terminal: `console_socket` empty means berth keeps the master for its foreground proxy;
    // otherwise the socket is connected here, so a bad path fails before anything is created.
    static ConsoleHandoff for_terminal(const std::string& console_socket);

    bool expects_master() const { return expects_; }
    bool to_socket() const { return to_socket_; }
    // The master arrived: to the console socket (then closed here), or kept.
    void deliver(Fd master);
    bool delivered() const { return delivered_; }
    // The master kept for the foreground proxy; empty when it went to a socket.
    Fd take_kept_master() { return std::move(kept_); }

private:
    bool expects_ = false;
    bool delivered_ = false;
    bool to_socket_ = false;
    Fd socket_;
    Fd kept_;
};

}  // namespace berth::terminal
