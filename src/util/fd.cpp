#include "berth/util/fd.hpp"

#include <unistd.h>

namespace berth {

void Fd::reset(int fd) noexcept
{
    if (fd_ >= 0 && fd_ != fd) ::close(fd_);  // close(2) errors on a read-only fd carry no information
    fd_ = fd;
}

}  // namespace berth
