#include "berth/util/fd_passing.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace berth {

ssize_t send_with_fd(int sock, const void* data, size_t len, int fd) noexcept
{
    struct iovec iov {};
    iov.iov_base = const_cast<void*>(data);
    iov.iov_len = len;
    struct msghdr h {};
    h.msg_iov = &iov;
    h.msg_iovlen = 1;
    alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    if (fd >= 0) {
        h.msg_control = control;
        h.msg_controllen = sizeof control;
        struct cmsghdr* c = CMSG_FIRSTHDR(&h);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        std::memcpy(CMSG_DATA(c), &fd, sizeof(int));
    }
    ssize_t n;
    do {
        n = ::sendmsg(sock, &h, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    return n;
}

}  // namespace berth
