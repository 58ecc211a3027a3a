// Window sizes: the one a container's pty starts with (process.consoleSize, or the caller's
// for a foreground run) and the caller's, which a foreground run's pty follows.
#pragma once
#include <cstdint>
#include <optional>

namespace berth::terminal {

struct WindowSize {
    uint16_t rows = 0;
    uint16_t cols = 0;
};

// The caller's terminal among berth's stdin and stdout (stdin first), -1 if neither is one.
int caller_terminal(int in, int out) noexcept;

// TIOCGWINSZ of fd; nullopt when it fails or the terminal does not know its size (0x0).
std::optional<WindowSize> window_size_of(int fd) noexcept;

}  // namespace berth::terminal
