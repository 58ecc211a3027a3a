#include <memory>

#include "berth/runtime/lifecycle.hpp"
#include "command.hpp"

namespace berth::cli {

namespace {

void add_freezer_command(CLI::App& app, Action& action, const char* name, const char* help,
                         void (*op)(const runtime::Context&, const std::string&))
{
    auto* sub = app.add_subcommand(name, help);
    auto id = std::make_shared<std::string>();
    sub->add_option("id", *id, "container id")->required();
    sub->callback([id, op, &action] {
        action = [id, op](const GlobalOptions& g, const Logger& log) {
            op(make_context(g, log), *id);
            return 0;
        };
    });
}

}  // namespace

void add_pause(CLI::App& app, Action& action)
{
    add_freezer_command(app, action, "pause", "freeze every process of a container", runtime::pause_container);
}

void add_resume(CLI::App& app, Action& action)
{
    add_freezer_command(app, action, "resume", "thaw a paused container", runtime::resume_container);
}

}  // namespace berth::cli
