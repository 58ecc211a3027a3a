// A foreground run (or exec) with a terminal and no console socket: berth holds the pty master
// and copies between it and its own stdin/stdout, inside berth's wait loop (poll next to the
// signalfd, runtime/foreground.cpp). The caller's terminal is in raw mode meanwhile, so keys
// (^C, ^Z, arrows) reach the container's terminal as typed, and gets its settings back when the
// proxy goes away.
#pragma once
#include <poll.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "berth/terminal/raw_mode.hpp"
#include "berth/util/fd.hpp"

namespace berth::terminal {

class IoProxy {
public:
    // `in`/`out`: berth's stdin and stdout. Copies the caller's window size to the pty when
    // either is a terminal.
    IoProxy(Fd master, int in, int out);

    // Appends the fds to poll now to `fds`; handle() takes the same vector after poll(), which
    // waits at most poll_timeout() ms (-1: no limit).
    void add_pollfds(std::vector<struct pollfd>& fds);
    int poll_timeout() const { return eof_pending_ ? 50 : -1; }
    void handle(const std::vector<struct pollfd>& fds);

    // SIGWINCH: the caller's window size to the pty (the kernel signals the container's
    // foreground process group).
    void copy_window_size();

    // The process ended: copies what it left in the pty to `out`.
    void drain();

private:
    void read_input();
    void send_eof_when_read();
    void write_input();
    bool read_output();  // false: nothing more now (EAGAIN) or ever (the pty was hung up)
    void write_output(const char* p, size_t n);

    static constexpr size_t none = static_cast<size_t>(-1);
    Fd master_;
    int in_;
    int out_;
    bool in_is_tty_;
    int size_source_ = -1;  // the caller's terminal, whose size the pty follows
    RawMode raw_;
    bool in_open_;
    bool eof_pending_ = false;  // stdin ended; the terminal's EOF character is still to send
    bool master_open_ = true;
    bool out_open_ = true;
    std::string pending_;  // read from `in`, not yet taken by the pty
    char last_queued_ = '\n';
    std::chrono::steady_clock::time_point last_output_;
    size_t in_slot_ = none;
    size_t master_slot_ = none;
};

}  // namespace berth::terminal
