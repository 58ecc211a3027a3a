// berth in the foreground of a container process (`run`; `exec` later): signals forwarded to
// it, its exit status returned, and with a terminal of berth's own the pty proxied between
// berth's stdin/stdout and the process (terminal/io_proxy.hpp).
#pragma once
#include <signal.h>
#include <sys/types.h>

#include "berth/util/fd.hpp"

namespace berth::runtime {

// What berth blocks and reads from a signalfd while in the foreground: everything it can,
// except the signals of its own faults.
sigset_t forwarded_signals();

// Waits for `pid` (berth's child; orphans re-parented to berth as subreaper are reaped on the
// way) with forwarded_signals() blocked since before it was created. Returns its exit status,
// 128+signal when killed. `master`: a pty master to proxy until then, and drained after; empty
// without a terminal. SIGWINCH resizes that pty instead of being forwarded.
int wait_foreground(pid_t pid, Fd master = {});

}  // namespace berth::runtime
