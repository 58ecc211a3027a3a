#include "berth/runtime/update.hpp"

#include "berth/cgroups/resources.hpp"
#include "berth/runtime/container.hpp"
#include "berth/spec/resources_fields.hpp"
#include "berth/spec/parse.hpp"
#include "berth/state/files.hpp"
#include "berth/util/error.hpp"

namespace berth::runtime {

namespace {

using ojson = nlohmann::ordered_json;

// Fields `update` changes; devices stay as created (runc's update leaves them too).
bool updatable(const std::string& key)
{
    return key == "memory" || key == "cpu" || key == "pids" || key == "blockIO" || key == "hugepageLimits" ||
           key == "network" || key == "rdma" || key == "unified";
}

}  // namespace

std::string merge_resources(const std::string& config_text, const nlohmann::json& update)
{
    if (!update.is_object()) throw Error("resources: expected a JSON object, got " + std::string(update.type_name()));
    ojson config = ojson::parse(config_text);
    ojson& linux_obj = config["linux"];
    if (linux_obj.is_null()) linux_obj = ojson::object();
    ojson& res = linux_obj["resources"];
    if (res.is_null()) res = ojson::object();
    for (const auto& [key, value] : update.items()) {
        if (value.is_null() || !updatable(key)) continue;
        ojson& dst = res[key];
        if (value.is_object() && dst.is_object()) {
            for (const auto& [k, v] : value.items())
                if (!v.is_null()) dst[k] = ojson::parse(v.dump());
        } else {
            dst = ojson::parse(value.dump());
        }
    }
    return config.dump();
}

void update_container(const Context& ctx, const std::string& id, const nlohmann::json& update)
{
    with_context("update " + id, [&] {
        auto c = Container::open(ctx, id);
        auto st = c.status();
        if (st != state::Status::running && st != state::Status::created && st != state::Status::paused)
            throw Error("container " + id + " is not running: " + std::string(state::to_string(st)));
        if (update.is_object() && update.contains("devices") && !update["devices"].is_null())
            ctx.log.note("update: devices are not updated (the rules given at create stay)");
        std::string text = merge_resources(c.dir().read_config(), update);
        // The merged config goes through the same parser and checks as at create, so a bad
        // value fails with its JSON path before anything is written.
        spec::Config merged = spec::parse_config(text, "resources");
        auto* cg = c.cgroup();
        if (!cg || cg->hierarchies().empty()) throw Error("the container has no cgroup to update");
        if (merged.linux && merged.linux->resources) {
            // Never silently: what berth does not apply yet is named, as at create.
            for (const auto& field : spec::set_resource_fields(*merged.linux->resources))
                if (!cgroups::applied_resource_field(field))
                    ctx.log.warn("resources: " + field + ": resource limits are not applied yet; ignored");
            auto warnings = with_context("cgroup", [&] { return cg->apply_resources(*merged.linux->resources); });
            for (const auto& w : warnings) ctx.log.warn(w);
        }
        c.dir().write_config(text);
    });
}

}  // namespace berth::runtime
