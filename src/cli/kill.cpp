#include <memory>
#include <optional>

#include "berth/runtime/lifecycle.hpp"
#include "berth/util/error.hpp"
#include "berth/util/signals.hpp"
#include "command.hpp"

namespace berth::cli {

void add_kill(CLI::App& app, Action& action)
{
    struct Opts {
        std::string id;
        std::string signal = "TERM";
        bool all = false;
    };
    auto* sub = app.add_subcommand("kill", "send a signal (default TERM) to a container's init");
    auto o = std::make_shared<Opts>();
    sub->add_option("id", o->id, "container id")->required();
    sub->add_option("signal", o->signal, "signal name (KILL, SIGKILL) or number; 0 only checks that it runs");
    sub->add_flag("-a,--all", o->all, "signal every process of the container");
    sub->callback([o, &action] {
        action = [o](const GlobalOptions& g, const Logger& log) {
            // Signal 0 is kill(2)'s liveness check, as with runc: no signal is sent.
            auto sig = o->signal == "0" ? std::optional<int>(0) : parse_signal(o->signal);
            if (!sig) throw Error("unknown signal \"" + o->signal + "\"");
            runtime::kill_container(make_context(g, log), o->id, *sig, o->all);
            return 0;
        };
    });
}

}  // namespace berth::cli
