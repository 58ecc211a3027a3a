// One hook process, from fork to its exit status. No allocation, no exceptions: the container
// init runs this between clone and execve (hook_exec.hpp).
#include "berth/runtime/hook_exec.hpp"

#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "berth/linux/syscalls.hpp"
#include "berth/util/fd.hpp"

namespace berth::runtime {

namespace {

// The end of what a hook wrote to stderr: the last lines usually say what went wrong.
class StderrTail {
public:
    void add(const char* p, size_t n) noexcept
    {
        if (n >= keep) {
            std::memcpy(buf_, p + n - keep, keep);
            len_ = keep;
            return;
        }
        if (len_ + n > keep) {
            size_t drop = len_ + n - keep;
            std::memmove(buf_, buf_ + drop, len_ - drop);
            len_ -= drop;
        }
        std::memcpy(buf_ + len_, p, n);
        len_ += n;
    }
    // On one line (an error is one line on berth's stderr): control characters as spaces,
    // surrounding whitespace dropped.
    const char* line() noexcept
    {
        size_t b = 0, e = len_;
        for (size_t i = 0; i < e; ++i)
            if (static_cast<unsigned char>(buf_[i]) < 0x20 || buf_[i] == 0x7f) buf_[i] = ' ';
        while (b < e && buf_[b] == ' ') ++b;
        while (e > b && buf_[e - 1] == ' ') --e;
        buf_[e] = 0;
        return buf_ + b;
    }

private:
    static constexpr size_t keep = 480;  // fits Failure::msg with the hook's name and path
    char buf_[keep + 1] = {};
    size_t len_ = 0;
};

bool write_all(int fd, const char* p, size_t n) noexcept
{
    while (n > 0) {
        ssize_t w = ::write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        p += w;
        n -= static_cast<size_t>(w);
    }
    return true;
}

// Reads whatever is there (the fd is non-blocking). False once it reached EOF or failed: stop
// polling it.
bool drain(int fd, StderrTail* keep) noexcept
{
    char b[4096];
    for (;;) {
        ssize_t r = ::read(fd, b, sizeof b);
        if (r > 0) {
            if (keep) keep->add(b, static_cast<size_t>(r));
            continue;
        }
        if (r < 0 && errno == EINTR) continue;
        return r < 0 && errno == EAGAIN;
    }
}

int64_t now_ms() noexcept
{
    struct timespec ts {};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// The state goes into the stdin pipe whole before the hook starts: a hook that never reads
// it can neither block us nor make a write fail with SIGPIPE. The pipe grows to fit.
bool fill_stdin(int fd, const HookState& state, pid_t pid, Failure& f, const PreparedHook& h) noexcept
{
    char digits[24];
    int n = std::snprintf(digits, sizeof digits, "%d", static_cast<int>(pid));
    size_t total = state.head.size() + static_cast<size_t>(n) + state.tail.size();
    if (total > 65536 && ::fcntl(fd, F_SETPIPE_SZ, static_cast<int>(total)) < 0)
        return f.set(errno, "hook %s (%s): the container state (%zu bytes) does not fit a pipe", h.where.c_str(),
                     h.path.c_str(), total);
    if (!write_all(fd, state.head.data(), state.head.size()) || !write_all(fd, digits, static_cast<size_t>(n)) ||
        !write_all(fd, state.tail.data(), state.tail.size()))
        return f.set(errno, "hook %s (%s): write the container state", h.where.c_str(), h.path.c_str());
    return true;
}

// fds 0-2 of the hook may be free in its parent, so pipe ends can be any of them: move each end
// above 2 before putting it in place.
bool above_stdio(int& fd) noexcept
{
    if (fd > 2) return true;
    int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
    if (moved < 0) return false;
    fd = moved;
    return true;
}

[[noreturn]] void exec_hook(const PreparedHook& h, char* const* envp, int in, int out, int err, int report) noexcept
{
    ::setpgid(0, 0);                     // its own group: a timeout kills what it started, too
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // it never outlives whoever waits for it
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);  // berth run blocks the signals it forwards
    ::signal(SIGPIPE, SIG_DFL);
    if (above_stdio(in) && above_stdio(out) && above_stdio(err) && ::dup2(in, 0) == 0 && ::dup2(out, 1) == 1 &&
        ::dup2(err, 2) == 2) {
        // No fd of berth's (or of its caller's) reaches the hook.
        ::close_range(3, ~0u, CLOSE_RANGE_CLOEXEC);
        ::execve(h.path.c_str(), h.argv.data(), envp);
    }
    int e = errno;
    (void)!::write(report, &e, sizeof e);
    ::_exit(127);
}

struct Pipe {
    Fd read, write;
    bool open(int flags) noexcept
    {
        int p[2];
        if (::pipe2(p, flags | O_CLOEXEC) < 0) return false;
        read.reset(p[0]);
        write.reset(p[1]);
        return true;
    }
};

bool describe_status(const PreparedHook& h, int status, StderrTail& tail, Failure& f) noexcept
{
    const char* err = tail.line();
    const char* sep = *err ? ": " : "";
    if (WIFEXITED(status))
        return f.set(0, "hook %s (%s): exited with status %d%s%s", h.where.c_str(), h.path.c_str(), WEXITSTATUS(status),
                     sep, err);
    const char* name = ::sigabbrev_np(WTERMSIG(status));
    return f.set(0, "hook %s (%s): killed by SIG%s%s%s", h.where.c_str(), h.path.c_str(), name ? name : "?", sep, err);
}

}  // namespace

void HookList::finalize_pointers()
{
    for (auto& h : hooks) {
        h.argv.clear();
        h.envp.clear();
        if (h.args.empty()) h.argv.push_back(h.path.data());
        for (auto& a : h.args) h.argv.push_back(a.data());
        h.argv.push_back(nullptr);
        if (h.env) {
            for (auto& e : *h.env) h.envp.push_back(e.data());
            h.envp.push_back(nullptr);
        }
    }
}

bool run_hook(const PreparedHook& h, const HookState& state, pid_t pid, char* const* default_envp, Failure& f) noexcept
{
    const char* where = h.where.c_str();
    const char* path = h.path.c_str();
    Pipe in, out, err, report;
    if (!in.open(0) || !out.open(0) || !err.open(0) || !report.open(0))
        return f.set(errno, "hook %s (%s): pipe", where, path);
    if (!fill_stdin(in.write.get(), state, pid, f, h)) return false;
    in.write.reset();
    char* const* envp = h.env ? h.envp.data() : default_envp;
    int64_t deadline = h.timeout_ms > 0 ? now_ms() + h.timeout_ms : 0;
    pid_t child = os::clone_process(0);
    if (child < 0) return f.set(errno, "hook %s (%s): fork", where, path);
    if (child == 0) exec_hook(h, envp, in.read.get(), out.write.get(), err.write.get(), report.write.get());
    in.read.reset();
    out.write.reset();
    err.write.reset();
    report.write.reset();

    // execve closes the report pipe (close-on-exec); before that, a failed exec sends its errno.
    int exec_errno = 0;
    ssize_t r;
    do {
        r = ::read(report.read.get(), &exec_errno, sizeof exec_errno);
    } while (r < 0 && errno == EINTR);
    if (r == static_cast<ssize_t>(sizeof exec_errno)) {
        ::waitpid(child, nullptr, 0);
        return f.set(exec_errno, "hook %s (%s): exec", where, path);
    }

    // Wait for it to exit, reading its output meanwhile so it never blocks on a full pipe. The
    // pidfd wakes us when it exits; what it started may keep the pipes open, so their EOF is not
    // the end. Without a pidfd (a seccomp profile may refuse pidfd_open) we look every 10 ms.
    Fd pidfd(os::pidfd_open(child));
    ::fcntl(out.read.get(), F_SETFL, O_NONBLOCK);
    ::fcntl(err.read.get(), F_SETFL, O_NONBLOCK);
    StderrTail tail;
    bool out_open = true, err_open = true;
    int status = 0;
    for (;;) {
        pid_t w = ::waitpid(child, &status, WNOHANG);
        if (w == child) break;
        if (w < 0 && errno != EINTR) return f.set(errno, "hook %s (%s): wait", where, path);
        int wait_ms = pidfd ? -1 : 10;
        if (deadline) {
            int64_t left = deadline - now_ms();
            if (left <= 0) {
                ::kill(-child, SIGKILL);
                ::kill(child, SIGKILL);
                ::waitpid(child, nullptr, 0);
                drain(err.read.get(), &tail);
                const char* e = tail.line();
                bool whole = h.timeout_ms % 1000 == 0;
                return f.set(0, "hook %s (%s): timed out after %lld %s, killed%s%s", where, path,
                             static_cast<long long>(whole ? h.timeout_ms / 1000 : h.timeout_ms), whole ? "s" : "ms",
                             *e ? ": " : "", e);
            }
            if (wait_ms < 0 || left < wait_ms) wait_ms = static_cast<int>(left < 1000000 ? left : 1000000);
        }
        struct pollfd p[3] = {{pidfd.get(), POLLIN, 0},
                              {out_open ? out.read.get() : -1, POLLIN, 0},
                              {err_open ? err.read.get() : -1, POLLIN, 0}};
        if (::poll(p, 3, wait_ms) < 0 && errno != EINTR) return f.set(errno, "hook %s (%s): poll", where, path);
        if (out_open && p[1].revents) out_open = drain(out.read.get(), nullptr);
        if (err_open && p[2].revents) err_open = drain(err.read.get(), &tail);
    }
    if (err_open) drain(err.read.get(), &tail);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return true;
    return describe_status(h, status, tail, f);
}

bool run_hooks(const HookList& list, pid_t pid, char* const* default_envp, Failure& f) noexcept
{
    for (const auto& h : list.hooks)
        if (!run_hook(h, list.state, pid, default_envp, f)) return false;
    return true;
}

}  // namespace berth::runtime
