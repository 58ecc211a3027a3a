#include <memory>

#include "berth/runtime/exec.hpp"
#include "command.hpp"

namespace berth::cli {

void add_exec(CLI::App& app, Action& action)
{
    auto* sub = app.add_subcommand("exec", "run a new process in a running container");
    auto o = std::make_shared<runtime::ExecOptions>();
    sub->add_option("id", o->id, "container id")->required();
    // main() puts "--" after the id, so the command's own flags are never berth's.
    sub->add_option("command", o->args, "command and its arguments (not with --process)");
    sub->add_option("-p,--process", o->process_file, "a runtime-spec process JSON file: the whole process");
    sub->add_flag("-d,--detach", o->detach, "return once the process runs");
    sub->add_option("--pid-file", o->pid_file, "write the process's pid here");
    sub->add_option("--console-socket", o->console_socket, "unix socket that gets the pty master");
    sub->add_flag("-t,--tty", o->tty, "give the process a terminal");
    sub->add_option("--cwd", o->cwd, "working directory in the container");
    sub->add_option("-e,--env", o->env, "KEY=VALUE, repeatable; replaces KEY from the container's env");
    sub->add_option("-u,--user", o->user, "UID[:GID], numeric");
    sub->add_option("-g,--additional-gids", o->additional_gids, "an additional group id, repeatable");
    sub->add_option("-c,--cap", o->caps, "add a capability (bounding, effective, permitted), repeatable");
    sub->add_flag("--no-new-privs", o->no_new_privs, "set no_new_privs");
    sub->add_option("--apparmor", o->apparmor, "AppArmor profile");
    sub->add_option("--process-label", o->process_label, "SELinux label");
    sub->add_option("--preserve-fds", o->preserve_fds, "pass fds 3..3+N-1 on to the process")->check(CLI::NonNegativeNumber);
    sub->add_flag("--ignore-paused", o->ignore_paused, "exec into a paused container; the process waits for resume");
    sub->callback([o, &action] {
        action = [o](const GlobalOptions& g, const Logger& log) { return runtime::exec_in_container(make_context(g, log), *o); };
    });
}

}  // namespace berth::cli
