#include "berth/linux/id_maps.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <sstream>
#include <vector>

#include "berth/linux/syscalls.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"

extern char** environ;

namespace berth::os {

namespace {

// "X <id> 1\n": one line mapping exactly this host id.
bool maps_only(const std::string& map, unsigned id)
{
    std::istringstream in(map);
    unsigned long inside = 0, outside = 0, count = 0;
    std::string rest;
    if (!(in >> inside >> outside >> count)) return false;
    if (in >> rest) return false;
    return outside == id && count == 1;
}

void run_helper(const char* helper, pid_t pid, const std::string& map)
{
    std::vector<std::string> args{helper, std::to_string(pid)};
    for (auto& a : map_helper_args(map)) args.push_back(std::move(a));
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t child = 0;
    int err = ::posix_spawnp(&child, helper, nullptr, nullptr, argv.data(), environ);
    if (err == ENOENT)
        throw Error(std::string(helper) + " not found: a user namespace with id ranges needs it (Debian package uidmap)");
    if (err) throw_errno(err, std::string("run ") + helper);
    int status = 0;
    while (::waitpid(child, &status, 0) < 0)
        if (errno != EINTR) throw_errno(std::string("wait for ") + helper);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw Error(std::string(helper) + " " + std::to_string(pid) + " failed (exit status " +
                    std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)) +
                    "): are the ranges in /etc/sub" + (std::string(helper) == "newuidmap" ? "uid" : "gid") +
                    " granted to this user?");
}

}  // namespace

std::vector<std::string> map_helper_args(const std::string& map)
{
    std::vector<std::string> out;
    std::istringstream in(map);
    std::string word;
    while (in >> word) out.push_back(word);
    return out;
}

MapWriter map_writer(const std::string& uid_map, const std::string& gid_map, uid_t euid, gid_t egid, bool can_map_any)
{
    if (can_map_any) return MapWriter::direct;
    if (maps_only(uid_map, euid) && maps_only(gid_map, egid)) return MapWriter::own_id;
    return MapWriter::helpers;
}

void write_id_maps(pid_t pid, const std::string& uid_map, const std::string& gid_map, MapWriter writer)
{
    std::string base = "/proc/" + std::to_string(pid);
    if (writer == MapWriter::helpers) {
        run_helper("newuidmap", pid, uid_map);
        run_helper("newgidmap", pid, gid_map);
        return;
    }
    with_context("write uid_map", [&] { write_file(base + "/uid_map", uid_map); });
    // An unprivileged writer may map its own gid only once setgroups(2) is off for good.
    if (writer == MapWriter::own_id) with_context("write setgroups", [&] { write_file(base + "/setgroups", "deny"); });
    with_context("write gid_map", [&] { write_file(base + "/gid_map", gid_map); });
}

Fd make_user_namespace(const std::string& uid_map, const std::string& gid_map)
{
    int pipefd[2];
    if (::pipe2(pipefd, O_CLOEXEC) < 0) throw_errno("pipe");
    Fd keep_alive(pipefd[1]), wait_end(pipefd[0]);
    pid_t child = clone_process(CLONE_NEWUSER);
    if (child < 0) throw_errno("clone a user namespace for an id-mapped mount");
    if (child == 0) {
        // Lives only until berth has opened its namespace: EOF on the pipe ends it.
        keep_alive.reset();
        char c;
        while (::read(wait_end.get(), &c, 1) < 0 && errno == EINTR) {
        }
        ::_exit(0);
    }
    wait_end.reset();
    // Reaped whatever happens below.
    struct Reaper {
        pid_t pid;
        Fd& pipe;
        ~Reaper()
        {
            pipe.reset();
            while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
            }
        }
    } reaper{child, keep_alive};
    write_id_maps(child, uid_map, gid_map, MapWriter::direct);
    return open_or_throw("/proc/" + std::to_string(child) + "/ns/user", O_RDONLY | O_CLOEXEC);
}

}  // namespace berth::os
