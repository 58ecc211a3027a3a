#include "berth/runtime/supported.hpp"

#include <string>

#include "berth/cgroups/resources.hpp"
#include "berth/linux/mount_options.hpp"
#include "berth/spec/resources_fields.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"

namespace berth::runtime {

namespace {

[[noreturn]] void unsupported(const std::string& path, const std::string& what)
{
    throw Error("config.json: " + path + ": " + what + " is not supported by berth yet");
}

void check_linux(const spec::Linux& l, const Logger& log)
{
    if (l.intel_rdt) {
        if (!path_exists("/sys/fs/resctrl/schemata"))
            throw Error("config.json: .linux.intelRdt: Intel RDT is not available on this host (no resctrl "
                        "filesystem mounted at /sys/fs/resctrl)");
        unsupported(".linux.intelRdt", "Intel RDT");
    }
    if (l.resources)
        for (const auto& field : spec::set_resource_fields(*l.resources))
            if (!cgroups::applied_resource_field(field))  // applied: launch.cpp, through the cgroup manager
                log.note("config.json: " + field + ": resource limits are not applied yet; ignored");
}

void check_mounts(const spec::Config& config, const Logger& log)
{
    for (size_t i = 0; i < config.mounts.size(); ++i) {
        const auto& m = config.mounts[i];
        std::string where = ".mounts[" + std::to_string(i) + "]";
        auto opts = os::parse_mount_options(m.options);
        if (!opts.unsupported.empty())
            unsupported(where + ".options", "mount option \"" + opts.unsupported.front() + "\"");
        // As runc: the copy is for a tmpfs; on anything else the option does nothing.
        if (opts.copy_up && m.type != "tmpfs")
            log.note("config.json: " + where + ".options: tmpcopyup applies to tmpfs mounts only; ignored for type \"" +
                     m.type + "\"");
    }
}

}  // namespace

void check_supported(const spec::Config& config, const Logger& log)
{
    if (!config.process) throw Error("config.json: .process: required to create a container");
    check_mounts(config, log);
    if (config.linux) check_linux(*config.linux, log);
}

}  // namespace berth::runtime
