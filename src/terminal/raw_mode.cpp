#include "berth/terminal/raw_mode.hpp"

#include <unistd.h>

namespace berth::terminal {

RawMode::RawMode(int fd) noexcept
{
    if (fd < 0 || !::isatty(fd) || ::tcgetattr(fd, &saved_) < 0) return;
    struct termios raw = saved_;
    ::cfmakeraw(&raw);
    if (::tcsetattr(fd, TCSANOW, &raw) < 0) return;
    fd_ = fd;
}

RawMode::~RawMode()
{
    // Output berth wrote is already on its way; what it did not read stays for the caller.
    if (fd_ >= 0) ::tcsetattr(fd_, TCSADRAIN, &saved_);
}

}  // namespace berth::terminal
