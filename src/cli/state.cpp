#include <iostream>
#include <memory>

#include "berth/runtime/lifecycle.hpp"
#include "command.hpp"

namespace berth::cli {

void add_state(CLI::App& app, Action& action)
{
    auto* sub = app.add_subcommand("state", "print a container's state as JSON");
    auto id = std::make_shared<std::string>();
    sub->add_option("id", *id, "container id")->required();
    sub->callback([id, &action] {
        action = [id](const GlobalOptions& g, const Logger& log) {
            std::cout << runtime::container_state(make_context(g, log), *id).dump(2) << '\n';
            return 0;
        };
    });
}

}  // namespace berth::cli
