// Sending an fd over a unix socket (SCM_RIGHTS): the handshake's messages, the pty master to a
// console socket, the seccomp notify fd to its listener.
#pragma once
#include <sys/types.h>

#include <cstddef>

namespace berth {

// One sendmsg of `len` bytes at `data` with `fd` attached (none when fd < 0), retried on EINTR,
// without SIGPIPE. The bytes sent, or -1 with errno. Allocates nothing: usable in the child.
ssize_t send_with_fd(int sock, const void* data, size_t len, int fd) noexcept;

}  // namespace berth
