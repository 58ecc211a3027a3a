#include "berth/runtime/foreground.hpp"

#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "berth/util/error.hpp"
#include "berth/util/fd.hpp"

namespace berth::runtime {

sigset_t forwarded_signals()
{
    sigset_t set;
    ::sigfillset(&set);
    for (int s : {SIGKILL, SIGSTOP, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS}) ::sigdelset(&set, s);
    return set;
}

int wait_foreground(pid_t pid)
{
    sigset_t set = forwarded_signals();
    Fd sfd(::signalfd(-1, &set, SFD_CLOEXEC));
    if (!sfd) throw_errno("signalfd");
    for (;;) {
        // Reap first: SIGCHLD may have arrived before signalfd existed.
        int status;
        pid_t w;
        while ((w = ::waitpid(-1, &status, WNOHANG | __WALL)) > 0) {
            if (w != pid) continue;  // orphans re-parented to us (subreaper) are reaped silently
            if (WIFEXITED(status)) return WEXITSTATUS(status);
            if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
        }
        if (w < 0 && errno == ECHILD) return 255;  // not our child any more: should not happen
        struct signalfd_siginfo si;
        ssize_t n = ::read(sfd.get(), &si, sizeof si);
        if (n != static_cast<ssize_t>(sizeof si)) {
            if (n < 0 && errno == EINTR) continue;
            throw_errno("read signalfd");
        }
        if (si.ssi_signo == SIGCHLD) continue;
        ::kill(pid, static_cast<int>(si.ssi_signo));
    }
}

}  // namespace berth::runtime
