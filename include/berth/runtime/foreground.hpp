// A foreground `run` or `exec`: berth stays until its process ends, passing on the signals it
// gets, and exits with the process's status.
#pragma once
#include <signal.h>
#include <sys/types.h>

namespace berth::runtime {

// The signals passed on to the process (all but those that cannot be caught or that report
// berth's own faults). Blocked before the process is started, so none is lost before the wait.
sigset_t forwarded_signals();

// Waits for `pid` (a child of berth, or reparented to it as its subreaper), forwarding
// signals; other children reparented to berth are reaped silently. Returns the exit status,
// 128+signal when killed.
int wait_foreground(pid_t pid);

}  // namespace berth::runtime
