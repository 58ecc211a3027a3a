#include "berth/runtime/sync.hpp"

#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "berth/util/fd_passing.hpp"

namespace berth::runtime {

namespace {

bool send_msg(int fd, const SyncMsg& m, int pass_fd) noexcept
{
    return send_with_fd(fd, &m, sizeof m, pass_fd) == static_cast<ssize_t>(sizeof m);
}

}  // namespace

const char* sync_type_name(SyncType type) noexcept
{
    switch (type) {
    case SyncType::go: return "go";
    case SyncType::cgroup_ready: return "cgroup_ready";
    case SyncType::userns_ready: return "userns_ready";
    case SyncType::init_pid: return "init_pid";
    case SyncType::hooks: return "hooks";
    case SyncType::resume: return "resume";
    case SyncType::ready: return "ready";
    case SyncType::error: return "error";
    case SyncType::mount_source: return "mount_source";
    case SyncType::seccomp_fd: return "seccomp_fd";
    case SyncType::console: return "console";
    case SyncType::network_ns: return "network_ns";
    }
    return "unknown";
}

bool sync_send(int fd, SyncType type, int32_t pid, int pass_fd) noexcept
{
    SyncMsg m;
    m.type = type;
    m.pid = pid;
    return send_msg(fd, m, pass_fd);
}

bool sync_send_failure(int fd, const Failure& f) noexcept
{
    SyncMsg m;
    m.type = SyncType::error;
    m.failure = f;
    return send_msg(fd, m, -1);
}

bool sync_wait_for(int fd, SyncType want, Failure& f, Fd* received) noexcept
{
    SyncMsg m;
    int r = sync_recv(fd, m, received);
    if (r <= 0) return f.set(r < 0 ? errno : EPIPE, "waiting for berth");
    if (m.type != want) return f.set(EPROTO, "unexpected message %u from berth", static_cast<unsigned>(m.type));
    return true;
}

void sync_poll_briefly(int fd, long budget_ns) noexcept
{
    struct pollfd p {};
    p.fd = fd;
    p.events = POLLIN;
    struct timespec start {}, now {};
    ::clock_gettime(CLOCK_MONOTONIC, &start);
    while (::poll(&p, 1, 0) == 0) {
        ::clock_gettime(CLOCK_MONOTONIC, &now);
        if ((now.tv_sec - start.tv_sec) * 1'000'000'000L + (now.tv_nsec - start.tv_nsec) >= budget_ns) return;
        // Whatever else waits for this CPU goes first: on a busy host (engines start whole
        // pods at once) the poll costs nothing but the calls.
        ::sched_yield();
    }
}

bool sync_wait_for_berth(int fd, SyncType want, bool& go_deferred, const os::CpuPlacement& placement, Failure& f,
                         Fd* received) noexcept
{
    if (go_deferred) {
        if (!sync_wait_for(fd, SyncType::go, f)) return false;
        go_deferred = false;
    }
    if (placement.in_effect()) sync_poll_briefly(fd);
    return sync_wait_for(fd, want, f, received);
}

int sync_recv(int fd, SyncMsg& msg, Fd* received) noexcept
{
    struct iovec iov {};
    iov.iov_base = &msg;
    iov.iov_len = sizeof msg;
    struct msghdr h {};
    h.msg_iov = &iov;
    h.msg_iovlen = 1;
    alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    h.msg_control = control;
    h.msg_controllen = sizeof control;
    bool reset_seen = false;
    for (;;) {
        h.msg_controllen = sizeof control;
        ssize_t n = ::recvmsg(fd, &h, MSG_CMSG_CLOEXEC);
        if (n < 0 && errno == EINTR) continue;
        // A peer that exits with our last message unread leaves ECONNRESET, which the kernel
        // reports before the messages it sent us: its failure report may still be queued.
        if (n < 0 && errno == ECONNRESET && !reset_seen) {
            reset_seen = true;
            continue;
        }
        if (n > 0)
            for (struct cmsghdr* c = CMSG_FIRSTHDR(&h); c; c = CMSG_NXTHDR(&h, c)) {
                if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
                int got;
                std::memcpy(&got, CMSG_DATA(c), sizeof got);
                Fd owned(got);
                if (received) *received = std::move(owned);
            }
        if (n == static_cast<ssize_t>(sizeof msg)) return (h.msg_flags & MSG_CTRUNC) ? (errno = EPROTO, -1) : 1;
        if (n == 0) return 0;
        if (n < 0 && errno == ECONNRESET) return 0;
        if (n > 0) errno = EPROTO;
        return -1;
    }
}

}  // namespace berth::runtime
