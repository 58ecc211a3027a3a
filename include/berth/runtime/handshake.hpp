// berth's side of the handshake (sync.hpp) with a child it cloned, for create and exec: a
// message expected, a message sent (a child's failure becomes an Error: failure_error).
#pragma once
#include "berth/runtime/sync.hpp"
#include "berth/runtime/trace.hpp"
#include "berth/util/error.hpp"

namespace berth::runtime {

// The next message; throws the child's own failure, or that it exited while `waiting_for`.
SyncMsg expect(int fd, const char* waiting_for, const Trace& trace, Fd* received = nullptr);

// A send fails when the child has died; its last words are then waiting in the socket.
// pass_fd >= 0 travels with the message.
void send_or_report(int fd, SyncType type, const Trace& trace, int pass_fd = -1);

}  // namespace berth::runtime
