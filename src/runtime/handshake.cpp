#include "berth/runtime/handshake.hpp"

#include <cerrno>

namespace berth::runtime {

SyncMsg expect(int fd, const char* waiting_for, const Trace& trace, Fd* received)
{
    SyncMsg m;
    int r = sync_recv(fd, m, received);
    if (r < 0) throw_errno(std::string("read from container init while ") + waiting_for);
    if (r == 0) throw Error(std::string("container init exited while ") + waiting_for);
    if (m.type == SyncType::error) throw failure_error(m.failure);
    trace([&] {
        // Appended piecewise: GCC 12's -Wrestrict misfires on the one-expression form here.
        std::string line = "handshake: received ";
        line += sync_type_name(m.type);
        if (m.type == SyncType::init_pid) line.append(" ").append(std::to_string(m.pid));
        return line;
    });
    return m;
}

void send_or_report(int fd, SyncType type, const Trace& trace, int pass_fd)
{
    if (sync_send(fd, type, 0, pass_fd)) {
        trace([&] { return std::string("handshake: sent ") + sync_type_name(type); });
        return;
    }
    int err = errno;
    SyncMsg m;
    if (sync_recv(fd, m) > 0 && m.type == SyncType::error) throw failure_error(m.failure);
    throw_errno(err, "signal container init");
}

}  // namespace berth::runtime
