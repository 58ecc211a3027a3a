// Help in runc's layout (urfave/cli): NAME, USAGE, then COMMANDS and GLOBAL OPTIONS for berth
// itself, OPTIONS for a command. `berth -h`, `berth help [COMMAND]` and `berth COMMAND -h`.
#include "help.hpp"

#include <algorithm>
#include <functional>
#include <iostream>
#include <map>
#include <memory>

#include "berth/util/error.hpp"

namespace berth::cli {

namespace {

// What follows "[command options]" on a command's USAGE line when its positionals do not say
// it well enough.
const std::map<std::string, std::string, std::less<>> usage_tails{
    {"ps", "<container-id> [ps options]"},
    {"help", "[command]"},
};

std::string positional_usage(const CLI::App& app)
{
    if (auto it = usage_tails.find(app.get_name()); it != usage_tails.end()) return it->second;
    std::string out;
    for (const CLI::Option* opt : app.get_options()) {
        if (!opt->get_positional()) continue;
        std::string name = opt->get_name();
        if (name == "id") name = "container-id";
        if (!out.empty()) out += ' ';
        out += opt->get_required() ? "<" + name + ">" : "[" + name + "]";
    }
    return out;
}

// "--all, -a" or "--format value, -f value".
std::string option_names(const CLI::Option& opt)
{
    std::string value = opt.get_items_expected_min() > 0 ? " value" : "";
    std::string out;
    for (const auto& l : opt.get_lnames()) out += (out.empty() ? "--" : ", --") + l + value;
    for (const auto& s : opt.get_snames()) out += (out.empty() ? "-" : ", -") + s + value;
    return out;
}

// Two-column rows, the first column as wide as its widest cell, as urfave/cli aligns them.
std::string table(const std::vector<std::pair<std::string, std::string>>& rows)
{
    size_t w = 0;
    for (const auto& r : rows) w = std::max(w, r.first.size());
    std::string out;
    for (const auto& [left, right] : rows) {
        out += "   " + left;
        if (!right.empty()) out += std::string(w - left.size() + 2, ' ') + right;
        out += '\n';
    }
    return out;
}

std::string options_table(const CLI::App& app)
{
    std::vector<std::pair<std::string, std::string>> rows;
    for (const CLI::Option* opt : app.get_options()) {
        if (opt->get_positional()) continue;
        std::string desc = opt->get_description();
        if (!opt->get_default_str().empty()) desc += " (default: \"" + opt->get_default_str() + "\")";
        rows.emplace_back(option_names(*opt), desc);
    }
    return table(rows);
}

class RuncStyleHelp final : public CLI::FormatterBase {
public:
    std::string make_help(const CLI::App* app, std::string name, CLI::AppFormatMode) const override
    {
        bool top = app->get_parent() == nullptr;
        std::string desc = app->get_description();
        // The app's description reads "berth: ..." on CLI11's error lines.
        if (desc.compare(0, app->get_name().size() + 2, app->get_name() + ": ") == 0)
            desc.erase(0, app->get_name().size() + 2);
        std::string out = "NAME:\n   " + name + (desc.empty() ? "" : " - " + desc) + "\n\nUSAGE:\n   " + name;
        if (top) {
            out += " [global options] command [command options] [arguments...]\n\nCOMMANDS:\n";
            std::vector<std::pair<std::string, std::string>> rows;
            for (const CLI::App* sub : app->get_subcommands(std::function<bool(const CLI::App*)>{}))
                rows.emplace_back(sub->get_name(), sub->get_description());
            out += table(rows) + "\nGLOBAL OPTIONS:\n";
        } else {
            std::string tail = positional_usage(*app);
            out += " [command options]" + (tail.empty() ? "" : " " + tail) + "\n\nOPTIONS:\n";
        }
        return out + options_table(*app);
    }
};

}  // namespace

std::string no_help_topic(const std::string& command) { return "No help topic for '" + command + "'"; }

bool asks_for_help(const std::vector<std::string>& args)
{
    for (const auto& a : args) {
        if (a == "--") return false;
        if (a == "-h" || a == "--help") return true;
    }
    return false;
}

void install_help(CLI::App& app, Action& action)
{
    auto* sub = app.add_subcommand("help", "show the commands, or one command's help");
    auto topic = std::make_shared<std::string>();
    sub->add_option("command", *topic, "the command to explain");
    CLI::App* root = &app;
    sub->callback([root, topic, &action] {
        action = [root, topic](const GlobalOptions&, const Logger&) {
            // Straight to the formatter: App::help() would describe the parsed `help` itself.
            auto show = [](const CLI::App* a, const std::string& name) {
                std::cout << a->get_formatter()->make_help(a, name, CLI::AppFormatMode::Normal);
                return 0;
            };
            if (topic->empty()) return show(root, root->get_name());
            for (CLI::App* c : root->get_subcommands(std::function<bool(CLI::App*)>{}))
                if (c->get_name() == *topic) return show(c, root->get_name() + " " + c->get_name());
            throw Error(no_help_topic(*topic));
        };
    });
    auto formatter = std::make_shared<RuncStyleHelp>();
    app.formatter(formatter);
    app.set_help_flag("-h,--help", "show help");
    for (CLI::App* c : app.get_subcommands(std::function<bool(CLI::App*)>{})) {
        c->formatter(formatter);
        c->set_help_flag("-h,--help", "show help");
    }
}

}  // namespace berth::cli
