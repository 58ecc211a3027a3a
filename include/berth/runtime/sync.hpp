// Messages between berth and the container init over a SOCK_SEQPACKET socketpair. Plain
// fixed-size structs: the child side never allocates to report, and every failure arrives in
// the parent with its errno and context.
#pragma once
#include <sys/types.h>

#include <cstdint>

#include "berth/util/failure.hpp"

namespace berth::runtime {

enum class SyncType : uint32_t {
    go = 1,        // parent -> child: ids mapped, carry on
    cgroup_ready,  // parent -> child: the init is in its cgroup
    userns_ready,  // child -> parent: new user namespace exists, write its id maps
    init_pid,      // intermediate -> parent: pid of the container init (two-stage start)
    ready,         // child -> parent: set up; waits on the exec fifo (create) or execs (run)
    error,         // child -> parent: `failure` says what went wrong
};

struct SyncMsg {
    SyncType type = SyncType::go;
    int32_t pid = 0;
    Failure failure;
};

bool sync_send(int fd, SyncType type, int32_t pid = 0) noexcept;
bool sync_send_failure(int fd, const Failure& f) noexcept;
// 1: a message; 0: the peer closed (it exited, or exec'd: the socket is close-on-exec); -1: error.
int sync_recv(int fd, SyncMsg& msg) noexcept;

}  // namespace berth::runtime
