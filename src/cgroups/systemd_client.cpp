#include "berth/cgroups/systemd_client.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "berth/util/error.hpp"
#include "berth/util/fd.hpp"
#include "berth/util/file.hpp"
#include "berth_config.h"

extern char** environ;

namespace berth::cgroups::systemd {

namespace {

constexpr std::string_view helper_name = "berth-systemd";

struct Pipe {
    Fd read, write;
    Pipe()
    {
        int p[2];
        if (::pipe2(p, O_CLOEXEC) < 0) throw_errno("pipe");
        read = Fd(p[0]);
        write = Fd(p[1]);
    }
};

}  // namespace

std::string find_helper(const std::string& argv0)
{
    std::string configured = std::string(BERTH_LIBEXECDIR) + "/berth/" + std::string(helper_name);
    auto slash = argv0.rfind('/');
    if (slash != std::string::npos) {
        std::string dir = argv0.substr(0, slash + 1);
        for (std::string candidate : {dir + std::string(helper_name), dir + "../libexec/berth/" + std::string(helper_name)})
            if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return configured;
}

void Client::run(const nlohmann::json& request) const
{
    const std::string what = "systemd (" + helper_ + ")";
    if (::access(helper_.c_str(), X_OK) < 0)
        throw Error(what + ": the systemd cgroup driver needs berth-systemd, which is not installed: " +
                    errno_text(errno), errno);
    Pipe in, out;
    // The request goes into the pipe before the helper exists: it is small (far below a
    // pipe's buffer), so this cannot block, and no SIGPIPE can come from a helper gone early.
    std::string body = request.dump();
    if (!berth::write_all(in.write.get(), body.data(), body.size())) throw_errno("write request to " + helper_);
    in.write.reset();
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in.read.get(), STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&fa, out.write.get(), STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&fa, out.write.get(), STDERR_FILENO);
    std::string path = helper_;
    char* argv[] = {path.data(), nullptr};
    pid_t pid = 0;
    int err = ::posix_spawn(&pid, helper_.c_str(), &fa, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (err != 0) throw_errno(err, "run " + helper_);
    in.read.reset();
    out.write.reset();
    std::string reply;
    try {
        reply = read_fd(out.read.get());
    } catch (const Error&) {
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    while (!reply.empty() && (reply.back() == '\n' || reply.back() == ' ')) reply.pop_back();
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
    if (reply.empty())
        reply = WIFSIGNALED(status) ? "killed by signal " + std::to_string(WTERMSIG(status))
                                    : "exit status " + std::to_string(WEXITSTATUS(status));
    throw Error(what + ": " + reply);
}

void Client::start(const std::string& unit, const nlohmann::json& properties) const
{
    run({{"op", "start"}, {"unit", unit}, {"properties", properties}});
}

void Client::set(const std::string& unit, const nlohmann::json& properties) const
{
    run({{"op", "set"}, {"unit", unit}, {"properties", properties}});
}

void Client::stop(const std::string& unit) const
{
    // No systemd listening (it stopped, or the host rebooted): no unit to stop either, and
    // `delete` must still be able to remove the container.
    if (::access(private_socket, F_OK) < 0 && errno == ENOENT) return;
    run({{"op", "stop"}, {"unit", unit}});
}

}  // namespace berth::cgroups::systemd
