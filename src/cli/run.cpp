#include <memory>

#include "command.hpp"

namespace berth::cli {

void add_run(CLI::App& app, Action& action)
{
    auto* sub = app.add_subcommand("run", "create and start a container; in the foreground, wait for it");
    auto o = std::make_shared<runtime::CreateOptions>();
    auto r = std::make_shared<runtime::RunOptions>();
    add_create_flags(*sub, *o);
    sub->add_flag("-d,--detach", r->detach, "return once the container runs");
    sub->add_flag("--keep", r->keep, "keep the container's state after it exits");
    sub->callback([o, r, &action] {
        action = [o, r](const GlobalOptions& g, const Logger& log) {
            return runtime::run_container(make_context(g, log), *o, *r);
        };
    });
}

}  // namespace berth::cli
