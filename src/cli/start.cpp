#include <memory>

#include "berth/runtime/lifecycle.hpp"
#include "command.hpp"

namespace berth::cli {

void add_start(CLI::App& app, Action& action)
{
    auto* sub = app.add_subcommand("start", "start a created container");
    auto id = std::make_shared<std::string>();
    sub->add_option("id", *id, "container id")->required();
    sub->callback([id, &action] {
        action = [id](const GlobalOptions& g, const Logger& log) {
            runtime::start_container(make_context(g, log), *id);
            return 0;
        };
    });
}

}  // namespace berth::cli
