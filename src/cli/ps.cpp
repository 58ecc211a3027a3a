#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>

#include "berth/runtime/lifecycle.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"
#include "command.hpp"

namespace berth::cli {

namespace {

// Runs the host's ps with the given arguments and keeps the header and the container's rows.
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
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw Error("ps " + std::string(args.size() > 1 ? args[1] : "") + " failed");
    std::istringstream in(out);
    std::string line;
    std::getline(in, line);
    std::istringstream header(line);
    size_t pid_col = 0, col = 0;
    for (std::string h; header >> h; ++col)
        if (h == "PID") pid_col = col;
    std::cout << line << '\n';
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string f;
        for (size_t i = 0; i <= pid_col && fields >> f; ++i) {
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
        std::string id;
        std::string format = "table";
        std::vector<std::string> ps_args;
    };
    auto* sub = app.add_subcommand("ps", "list the processes of a container");
    auto o = std::make_shared<Opts>();
    sub->add_option("id", o->id, "container id")->required();
    sub->add_option("ps-args", o->ps_args, "arguments for ps (default -ef)");
    sub->add_option("-f,--format", o->format, "table or json")->check(CLI::IsMember({"table", "json"}));
    sub->callback([o, &action] {
        action = [o](const GlobalOptions& g, const Logger& log) {
            auto pids = runtime::container_pids(make_context(g, log), o->id);
            if (o->format == "json") {
                std::cout << nlohmann::json(pids).dump() << '\n';
                return 0;
            }
            return print_ps_table(pids, o->ps_args);
        };
    });
}

}  // namespace berth::cli
