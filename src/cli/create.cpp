#include <memory>

#include "command.hpp"

namespace berth::cli {

void add_create(CLI::App& app, Action& action)
{
    auto* sub = app.add_subcommand("create", "create a container; its process waits for `start`");
    auto o = std::make_shared<runtime::CreateOptions>();
    add_create_flags(*sub, *o);
    sub->callback([o, &action] {
        action = [o](const GlobalOptions& g, const Logger& log) {
            runtime::create_container(make_context(g, log), *o);
            return 0;
        };
    });
}

}  // namespace berth::cli
