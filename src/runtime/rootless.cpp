// Rootless berth: the decision, and what a rootless container goes without.
#include "berth/runtime/rootless.hpp"

#include <unistd.h>

#include <sstream>

#include "berth/cgroups/resources.hpp"
#include "berth/spec/resources_fields.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"

namespace berth::runtime {

bool in_initial_user_namespace(const std::string& uid_map)
{
    std::istringstream in(uid_map);
    unsigned long inside = 1, outside = 1, count = 0;
    in >> inside >> outside >> count;
    return inside == 0 && outside == 0 && count == 4294967295UL;
}

bool is_rootless(const Context& ctx)
{
    if (ctx.rootless != Rootless::autodetect) return ctx.rootless == Rootless::yes;
    if (::geteuid() != 0) return true;
    try {
        return !in_initial_user_namespace(read_file("/proc/self/uid_map"));
    } catch (const Error&) {
        return false;
    }
}

std::vector<std::string> unapplied_without_cgroup(const spec::Config& config)
{
    std::vector<std::string> out;
    if (!config.linux || !config.linux->resources) return out;
    for (const auto& field : spec::set_resource_fields(*config.linux->resources))
        if (field != ".linux.resources.devices" && cgroups::applied_resource_field(field)) out.push_back(field);
    return out;
}

void keep_groups_if_denied(os::Identity& id, bool denied, const std::string& where)
{
    if (!denied) return;
    if (!id.additional_gids.empty())
        throw Error(where + ".user.additionalGids: setgroups is denied in the container's user namespace (an "
                            "unprivileged user mapped its own ids only; with /etc/subgid ranges and newgidmap it is not)");
    id.set_groups = false;
}

bool setgroups_denied(pid_t pid)
{
    try {
        return read_file("/proc/" + std::to_string(pid) + "/setgroups").starts_with("deny");
    } catch (const Error&) {
        return false;
    }
}

}  // namespace berth::runtime
