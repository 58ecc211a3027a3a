#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "berth/runtime/lifecycle.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"
#include "command.hpp"

namespace berth::cli {

namespace {

// Runs the host's ps with the given arguments and keeps the header and the container's rows,
// found by the PID column.
int print_ps_table(const std::vector<pid_t>& pids, const std::vector<std::string>& ps_args)
{
    int pipefd[2];
    if (::pipe2(pipefd, O_CLOEXEC) < 0) throw_errno("pipe");
    Fd rd(pipefd[0]), wr(pipefd[1]);
    std::vector<std::string> args{"ps"};
    args.insert(args.end(), ps_args.begin(), ps_args.end());
    if (ps_args.empty()) args.push_back("-ef");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t child = ::fork();
    if (child < 0) throw_errno("fork ps");
    if (child == 0) {
        ::dup2(wr.get(), 1);
        ::execvp("ps", argv.data());
        ::_exit(127);
    }
    wr.reset();
    std::string out = read_fd(rd.get());
    int status = 0;
    ::waitpid(child, &status, 0);
    std::string cmd;
    for (const auto& a : args) cmd += (cmd.empty() ? "" : " ") + a;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw Error(cmd + " failed");
    std::istringstream in(out);
    std::string line;
    std::getline(in, line);
    std::istringstream header(line);
    std::optional<size_t> pid_col;
    size_t col = 0;
    for (std::string h; header >> h; ++col)
        if (h == "PID" && !pid_col) pid_col = col;
    if (!pid_col) throw Error(cmd + ": no PID column in its output");
    std::cout << line << '\n';
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string f;
        for (size_t i = 0; i <= *pid_col && fields >> f; ++i) {
        }
        pid_t p = static_cast<pid_t>(std::atoi(f.c_str()));
        if (std::find(pids.begin(), pids.end(), p) != pids.end()) std::cout << line << '\n';
    }
    return 0;
}

}  // namespace

void add_ps(CLI::App& app, Action& action)
{
    struct Opts {
        std::string format = "table";
    };
    auto* sub = app.add_subcommand("ps", "list the processes of a container");
    auto o = std::make_shared<Opts>();
    sub->add_option("-f,--format", o->format, "table or json")->check(CLI::IsMember({"table", "json"}));
    // As with runc: the first argument that is not one of ps's own flags is the container id,
    // and everything after it goes to ps(1) unparsed ("ps ID -e -x", "ps ID -o pid,comm").
    sub->prefix_command();
    sub->callback([o, sub, &action] {
        std::vector<std::string> rest = sub->remaining();
        action = [o, rest](const GlobalOptions& g, const Logger& log) {
            if (rest.empty()) throw Error("ps: a container id is required");
            if (rest.front().size() > 1 && rest.front()[0] == '-') throw Error("ps: unknown flag " + rest.front());
            std::vector<std::string> ps_args(rest.begin() + 1, rest.end());
            if (!ps_args.empty() && ps_args.front() == "--") ps_args.erase(ps_args.begin());
            auto pids = runtime::container_pids(make_context(g, log), rest.front());
            if (o->format == "json") {
                std::cout << nlohmann::json(pids).dump() << '\n';
                return 0;
            }
            return print_ps_table(pids, ps_args);
        };
    });
}

}  // namespace berth::cli
