#include <memory>

#include "berth/runtime/lifecycle.hpp"
#include "command.hpp"

namespace berth::cli {

void add_delete(CLI::App& app, Action& action)
{
    struct Opts {
        std::string id;
        bool force = false;
    };
    auto* sub = app.add_subcommand("delete", "delete a stopped container (with --force, any)");
    auto o = std::make_shared<Opts>();
    sub->add_option("id", o->id, "container id")->required();
    sub->add_flag("-f,--force", o->force, "kill the container first if it runs");
    sub->callback([o, &action] {
        action = [o](const GlobalOptions& g, const Logger& log) {
            runtime::delete_container(make_context(g, log), o->id, o->force);
            return 0;
        };
    });
}

}  // namespace berth::cli
