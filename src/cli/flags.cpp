#include "flags.hpp"

#include <functional>

namespace berth::cli {

namespace {

void add_long_names(const CLI::App& app, std::set<std::string>& out)
{
    for (const CLI::Option* opt : app.get_options())
        for (const std::string& name : opt->get_lnames()) out.insert(name);
    for (const CLI::App* sub : app.get_subcommands(std::function<bool(const CLI::App*)>{})) add_long_names(*sub, out);
}

}  // namespace

FlagNames flag_names(const CLI::App& app)
{
    FlagNames names;
    add_long_names(app, names.long_names);
    names.global_with_value = options_with_value(app);
    return names;
}

std::set<std::string> options_with_value(const CLI::App& app)
{
    std::set<std::string> out;
    for (const CLI::Option* opt : app.get_options()) {
        // Flags expect no items; options one or more (positionals have neither kind of name).
        if (opt->get_items_expected_min() <= 0) continue;
        for (const std::string& name : opt->get_lnames()) out.insert("--" + name);
        for (const std::string& name : opt->get_snames()) out.insert("-" + name);
    }
    return out;
}

}  // namespace berth::cli
