#include "berth/terminal/window_size.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

namespace berth::terminal {

int caller_terminal(int in, int out) noexcept
{
    if (in >= 0 && ::isatty(in)) return in;
    if (out >= 0 && ::isatty(out)) return out;
    return -1;
}

std::optional<WindowSize> window_size_of(int fd) noexcept
{
    struct winsize ws {};
    if (fd < 0 || ::ioctl(fd, TIOCGWINSZ, &ws) < 0 || (ws.ws_row == 0 && ws.ws_col == 0)) return std::nullopt;
    return WindowSize{ws.ws_row, ws.ws_col};
}

}  // namespace berth::terminal
