#include "berth/runtime/foreground.hpp"

#include <poll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <vector>

#include "berth/terminal/io_proxy.hpp"
#include "berth/util/error.hpp"

namespace berth::runtime {

namespace {

// The exit status of `pid` if it ended; reaps whatever else ended on the way.
std::optional<int> reap(pid_t pid)
{
    int status;
    pid_t w;
    while ((w = ::waitpid(-1, &status, WNOHANG | __WALL)) > 0) {
        if (w != pid) continue;  // orphans re-parented to us (subreaper) are reaped silently
        if (WIFEXITED(status)) return WEXITSTATUS(status);
        if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    }
    if (w < 0 && errno == ECHILD) return 255;  // not our child any more: should not happen
    return std::nullopt;
}

}  // namespace

sigset_t forwarded_signals()
{
    sigset_t set;
    ::sigfillset(&set);
    for (int s : {SIGKILL, SIGSTOP, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS}) ::sigdelset(&set, s);
    return set;
}

int wait_foreground(pid_t pid, Fd master)
{
    sigset_t set = forwarded_signals();
    Fd sfd(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
    if (!sfd) throw_errno("signalfd");
    std::optional<terminal::IoProxy> proxy;
    if (master) proxy.emplace(std::move(master), STDIN_FILENO, STDOUT_FILENO);
    std::vector<struct pollfd> fds;
    for (;;) {
        // Reap first: SIGCHLD may have arrived before signalfd existed.
        if (auto status = reap(pid)) {
            if (proxy) proxy->drain();
            return *status;
        }
        fds.clear();
        fds.push_back({sfd.get(), POLLIN, 0});
        if (proxy) proxy->add_pollfds(fds);
        if (::poll(fds.data(), fds.size(), proxy ? proxy->poll_timeout() : -1) < 0) {
            if (errno == EINTR) continue;
            throw_errno("poll");
        }
        if (fds[0].revents & POLLIN) {
            struct signalfd_siginfo si;
            while (::read(sfd.get(), &si, sizeof si) == static_cast<ssize_t>(sizeof si)) {
                int sig = static_cast<int>(si.ssi_signo);
                if (sig == SIGCHLD) continue;
                if (sig == SIGWINCH && proxy)
                    proxy->copy_window_size();
                else
                    ::kill(pid, sig);
            }
        }
        if (proxy) proxy->handle(fds);
    }
}

}  // namespace berth::runtime
