#include "berth/runtime/sync.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace berth::runtime {

namespace {
bool send_msg(int fd, const SyncMsg& m) noexcept
{
    for (;;) {
        ssize_t n = ::send(fd, &m, sizeof m, MSG_NOSIGNAL);
        if (n == static_cast<ssize_t>(sizeof m)) return true;
        if (n < 0 && errno == EINTR) continue;
        return false;
    }
}
}  // namespace

bool sync_send(int fd, SyncType type, int32_t pid) noexcept
{
    SyncMsg m;
    m.type = type;
    m.pid = pid;
    return send_msg(fd, m);
}

bool sync_send_failure(int fd, const Failure& f) noexcept
{
    SyncMsg m;
    m.type = SyncType::error;
    m.failure = f;
    return send_msg(fd, m);
}

int sync_recv(int fd, SyncMsg& msg) noexcept
{
    for (;;) {
        ssize_t n = ::recv(fd, &msg, sizeof msg, 0);
        if (n == static_cast<ssize_t>(sizeof msg)) return 1;
        if (n == 0) return 0;
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == ECONNRESET) return 0;
        if (n > 0) errno = EPROTO;
        return -1;
    }
}

}  // namespace berth::runtime
