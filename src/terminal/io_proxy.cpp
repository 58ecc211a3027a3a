#include "berth/terminal/io_proxy.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>

#include "berth/terminal/window_size.hpp"
#include "berth/util/error.hpp"

namespace berth::terminal {

namespace {

bool is_open(int fd) { return fd >= 0 && ::fcntl(fd, F_GETFD) >= 0; }

}  // namespace

IoProxy::IoProxy(Fd master, int in, int out)
    : master_(std::move(master)),
      in_(in),
      out_(out),
      in_is_tty_(in >= 0 && ::isatty(in)),
      raw_(in_is_tty_ ? in : -1),
      in_open_(is_open(in)),
      last_output_(std::chrono::steady_clock::now())
{
    // Our own file description (the init closed its copy): never blocks the loop.
    int fl = ::fcntl(master_.get(), F_GETFL);
    if (fl < 0 || ::fcntl(master_.get(), F_SETFL, fl | O_NONBLOCK) < 0) throw_errno("pty master: set O_NONBLOCK");
    size_source_ = caller_terminal(in, out);
    copy_window_size();
}

void IoProxy::copy_window_size()
{
    auto size = window_size_of(size_source_);
    if (!size) return;
    struct winsize ws {};
    ws.ws_row = size->rows;
    ws.ws_col = size->cols;
    ::ioctl(master_.get(), TIOCSWINSZ, &ws);
}

void IoProxy::add_pollfds(std::vector<struct pollfd>& fds)
{
    in_slot_ = master_slot_ = none;
    // Input is read only once the pty took the last of it: the caller's side waits, not berth.
    if (in_open_ && pending_.empty()) {
        in_slot_ = fds.size();
        fds.push_back({in_, POLLIN, 0});
    }
    if (master_open_) {
        master_slot_ = fds.size();
        fds.push_back({master_.get(), static_cast<short>(POLLIN | (pending_.empty() ? 0 : POLLOUT)), 0});
    }
}

void IoProxy::handle(const std::vector<struct pollfd>& fds)
{
    if (in_slot_ != none) {
        short ev = fds[in_slot_].revents;
        if (ev & POLLNVAL)
            in_open_ = false;
        else if (ev & (POLLIN | POLLHUP | POLLERR))
            read_input();
    }
    if (master_slot_ != none) {
        short ev = fds[master_slot_].revents;
        if (ev & POLLOUT) write_input();
        if (ev & (POLLIN | POLLHUP | POLLERR)) read_output();
    }
    if (eof_pending_ && master_open_) send_eof_when_read();
}

void IoProxy::read_input()
{
    char buf[4096];
    ssize_t n = ::read(in_, buf, sizeof buf);
    if (n > 0) {
        pending_.append(buf, static_cast<size_t>(n));
        last_queued_ = buf[n - 1];
        write_input();
        return;
    }
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
    // End of file, or a terminal that hung up (its SIGHUP reaches the container anyway).
    in_open_ = false;
    if (!in_is_tty_) {
        eof_pending_ = true;
        send_eof_when_read();
    }
}

// A pipe or file on stdin ended: the container's terminal gets its end-of-file character, as a
// user typing ^D would send it (twice after an unterminated line in canonical mode: the first
// one only ends the line). Only once the terminal side has read everything before it (as
// script(1) waits) and the process has been quiet for a moment: a program that switches the
// terminal out of canonical mode right after its prompt (a shell's line editor) would
// otherwise find a stale EOF mark and never see the end.
void IoProxy::send_eof_when_read()
{
    if (!pending_.empty()) return;  // write_input() first
    if (std::chrono::steady_clock::now() - last_output_ < std::chrono::milliseconds(100)) return;
    // The terminal side, from the master (no path), only to look at its input queue: kept, it
    // would hold the pty open after the container closed it.
    Fd peer(::ioctl(master_.get(), TIOCGPTPEER, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
    if (peer) {
        struct pollfd p {peer.get(), POLLIN, 0};
        if (::poll(&p, 1, 0) > 0 && (p.revents & POLLIN)) return;  // not read yet: poll_timeout()
    }
    eof_pending_ = false;
    struct termios t {};
    if (::tcgetattr(master_.get(), &t) < 0) return;  // the terminal side's settings, through the master
    char eof = t.c_cc[VEOF] ? static_cast<char>(t.c_cc[VEOF]) : '\x04';
    if ((t.c_lflag & ICANON) && last_queued_ != '\n') pending_ += eof;
    pending_ += eof;
    write_input();
}

void IoProxy::write_input()
{
    while (!pending_.empty() && master_open_) {
        ssize_t n = ::write(master_.get(), pending_.data(), pending_.size());
        if (n > 0) {
            pending_.erase(0, static_cast<size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return;  // full: poll for POLLOUT
        pending_.clear();  // the pty is gone
        return;
    }
}

bool IoProxy::read_output()
{
    char buf[16384];
    ssize_t n = ::read(master_.get(), buf, sizeof buf);
    if (n > 0) {
        last_output_ = std::chrono::steady_clock::now();
        write_output(buf, static_cast<size_t>(n));
        return true;
    }
    if (n < 0 && errno == EINTR) return true;
    if (n < 0 && errno == EAGAIN) return false;
    // EIO: every holder of the terminal side closed it.
    master_open_ = false;
    eof_pending_ = false;
    pending_.clear();
    return false;
}

void IoProxy::write_output(const char* p, size_t n)
{
    while (n > 0 && out_open_) {
        ssize_t w = ::write(out_, p, n);
        if (w > 0) {
            p += w;
            n -= static_cast<size_t>(w);
            continue;
        }
        if (w < 0 && errno == EINTR) continue;
        if (w < 0 && errno == EAGAIN) {
            struct pollfd pfd {out_, POLLOUT, 0};
            ::poll(&pfd, 1, -1);
            continue;
        }
        // Nobody reads berth's output any more: keep emptying the pty so the container does
        // not block on it.
        out_open_ = false;
    }
}

void IoProxy::drain()
{
    // The kernel pushes what the process wrote into the master's queue before a non-blocking
    // read reports it empty, so this sees everything the process left.
    while (master_open_ && read_output()) {
    }
}

}  // namespace berth::terminal
