#include <cstdio>
#include <iostream>
#include <memory>

#include "berth/runtime/lifecycle.hpp"
#include "berth/state/record.hpp"
#include "berth/util/error.hpp"
#include "command.hpp"

namespace berth::cli {

namespace {

void print_table(const std::vector<runtime::ListEntry>& entries)
{
    // Column widths like Go's tabwriter in runc: as wide as the widest cell plus padding.
    size_t w_id = 2, w_pid = 3, w_status = 6, w_bundle = 6;
    for (const auto& e : entries) {
        w_id = std::max(w_id, e.record.id.size());
        w_pid = std::max(w_pid, std::to_string(e.record.pid).size());
        w_status = std::max(w_status, state::to_string(e.status).size());
        w_bundle = std::max(w_bundle, e.record.bundle.size());
    }
    auto row = [&](const std::string& id, const std::string& pid, std::string_view status, const std::string& bundle,
                   const std::string& created, const std::string& owner) {
        std::printf("%-*s   %-*s   %-*.*s   %-*s   %-30s   %s\n", static_cast<int>(w_id), id.c_str(), static_cast<int>(w_pid),
                    pid.c_str(), static_cast<int>(w_status), static_cast<int>(status.size()), status.data(),
                    static_cast<int>(w_bundle), bundle.c_str(), created.c_str(), owner.c_str());
    };
    row("ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
    for (const auto& e : entries) {
        pid_t pid = e.status == state::Status::stopped ? 0 : e.record.pid;
        row(e.record.id, std::to_string(pid), state::to_string(e.status), e.record.bundle, e.record.created,
            e.record.owner.empty() ? "root" : e.record.owner);
    }
}

}  // namespace

void add_list(CLI::App& app, Action& action)
{
    struct Opts {
        std::string format = "table";
        bool quiet = false;
    };
    auto* sub = app.add_subcommand("list", "list containers");
    auto o = std::make_shared<Opts>();
    sub->add_option("-f,--format", o->format, "table or json")->check(CLI::IsMember({"table", "json"}));
    sub->add_flag("-q,--quiet", o->quiet, "print only the ids");
    sub->callback([o, &action] {
        action = [o](const GlobalOptions& g, const Logger& log) {
            auto ctx = make_context(g, log);
            if (o->quiet) {
                // Ids only: no record to read, no process or cgroup to look at.
                for (const auto& id : ctx.store.list()) std::cout << id << '\n';
                return 0;
            }
            auto entries = runtime::list_containers(ctx);
            if (o->format == "json") {
                auto arr = nlohmann::ordered_json::array();
                for (const auto& e : entries) arr.push_back(state::to_state_json(e.record, e.status));
                std::cout << arr.dump() << '\n';
            } else {
                print_table(entries);
            }
            return 0;
        };
    });
}

}  // namespace berth::cli
