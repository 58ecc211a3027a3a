// `events`: runc's --stats (one stats object) and the stream (--interval, default 5s).
#include <unistd.h>

#include <charconv>
#include <iostream>
#include <memory>

#include "berth/runtime/events.hpp"
#include "berth/util/error.hpp"
#include "command.hpp"

namespace berth::cli {

namespace {

// Go's durations as runc's flag takes them, the common units: "5s", "500ms", "1m", "1m30s".
std::chrono::milliseconds parse_interval(std::string_view text)
{
    auto bad = [&] { return Error("--interval: invalid duration \"" + std::string(text) + "\""); };
    double total_ms = 0;
    std::string_view s = text;
    if (s.empty()) throw bad();
    while (!s.empty()) {
        size_t i = 0;
        while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
        if (i == 0) throw bad();
        double v = 0;
        auto [p, ec] = std::from_chars(s.data(), s.data() + i, v);
        if (ec != std::errc() || p != s.data() + i) throw bad();
        s.remove_prefix(i);
        size_t u = 0;
        while (u < s.size() && !((s[u] >= '0' && s[u] <= '9') || s[u] == '.')) ++u;
        std::string_view unit = s.substr(0, u);
        s.remove_prefix(u);
        if (unit == "ms") total_ms += v;
        else if (unit == "s") total_ms += v * 1000;
        else if (unit == "m") total_ms += v * 60000;
        else if (unit == "h") total_ms += v * 3600000;
        else throw bad();
    }
    if (total_ms < 1) throw Error("--interval: must be at least 1ms");
    return std::chrono::milliseconds(static_cast<int64_t>(total_ms));
}

}  // namespace

void add_events(CLI::App& app, Action& action)
{
    struct Opts {
        std::string id;
        bool stats = false;
        std::string interval = "5s";
    };
    auto* sub = app.add_subcommand("events", "print a container's resource statistics and OOM events");
    auto o = std::make_shared<Opts>();
    sub->add_option("id", o->id, "container id")->required();
    sub->add_flag("--stats", o->stats, "print one stats object and exit");
    sub->add_option("--interval", o->interval, "time between stats objects (default 5s)");
    sub->callback([o, &action] {
        action = [o](const GlobalOptions& g, const Logger& log) {
            auto interval = parse_interval(o->interval);
            auto ctx = make_context(g, log);
            if (o->stats) {
                std::cout << runtime::container_stats_event(ctx, o->id) << std::endl;
                return 0;
            }
            runtime::stream_events(ctx, o->id, interval, [](std::string_view line) { std::cout << line << std::endl; });
            return 0;
        };
    });
}

}  // namespace berth::cli
