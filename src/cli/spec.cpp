#include <fcntl.h>

#include <memory>

#include "berth/spec/default_spec.hpp"
#include "berth/spec/defaults.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"
#include "command.hpp"

namespace berth::cli {

void add_spec(CLI::App& app, Action& action)
{
    struct Opts {
        std::string bundle = ".";
        bool rootless = false;
    };
    auto* sub = app.add_subcommand("spec", "write a default config.json into the bundle");
    auto o = std::make_shared<Opts>();
    sub->add_option("-b,--bundle", o->bundle, "bundle directory (default: current directory)");
    sub->add_flag("--rootless", o->rootless, "a config for a container run by an unprivileged user");
    sub->callback([o, &action] {
        action = [o](const GlobalOptions&, const Logger&) {
            std::string path = path_join(o->bundle, spec::config_file_name);
            if (path_exists(path)) throw Error("file " + path + " exists; remove it first");
            std::string text = spec::default_spec(o->rootless).dump(2) + "\n";
            Fd fd = open_or_throw(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
            if (!write_all(fd.get(), text.data(), text.size())) throw_errno("write " + path);
            return 0;
        };
    });
}

}  // namespace berth::cli
