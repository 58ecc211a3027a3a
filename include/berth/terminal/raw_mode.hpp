// The caller's terminal in raw mode while berth proxies a container's pty, restored when the
// RawMode goes away: on return, on an exception, whatever ends the foreground run.
#pragma once
#include <termios.h>

namespace berth::terminal {

class RawMode {
public:
    // Does nothing unless fd is a terminal. Pending input is kept (TCSANOW): what the caller
    // typed ahead goes to the container.
    explicit RawMode(int fd) noexcept;
    ~RawMode();
    RawMode(const RawMode&) = delete;
    RawMode& operator=(const RawMode&) = delete;

    bool active() const noexcept { return fd_ >= 0; }

private:
    int fd_ = -1;
    struct termios saved_ {};
};

}  // namespace berth::terminal
