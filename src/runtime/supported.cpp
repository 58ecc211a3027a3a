#include "berth/runtime/supported.hpp"

#include <string>

#include "berth/spec/resources_fields.hpp"
#include "berth/util/error.hpp"

namespace berth::runtime {

namespace {

[[noreturn]] void unsupported(const std::string& path, const std::string& what)
{
    throw Error("config.json: " + path + ": " + what + " is not supported by berth yet");
}

void check_hooks(const spec::Config& c)
{
    if (!c.hooks) return;
    const auto& h = *c.hooks;
    const std::pair<const char*, const std::vector<spec::Hook>*> all[] = {
        {"prestart", &h.prestart},          {"createRuntime", &h.create_runtime}, {"createContainer", &h.create_container},
        {"startContainer", &h.start_container}, {"poststart", &h.poststart},     {"poststop", &h.poststop}};
    for (const auto& [name, list] : all)
        if (!list->empty()) unsupported(std::string(".hooks.") + name, "hooks");
}

void check_process(const spec::Process& p)
{
    if (p.terminal) unsupported(".process.terminal", "a terminal (process.terminal: true)");
    if (!p.apparmor_profile.empty()) unsupported(".process.apparmorProfile", "AppArmor");
    if (!p.selinux_label.empty()) unsupported(".process.selinuxLabel", "SELinux labels");
    if (p.scheduler) unsupported(".process.scheduler", "the scheduler policy");
    if (p.io_priority) unsupported(".process.ioPriority", "the I/O priority");
    if (p.exec_cpu_affinity) unsupported(".process.execCPUAffinity", "exec CPU affinity");
}

void check_linux(const spec::Linux& l, const Logger& log)
{
    if (!l.sysctl.empty()) unsupported(".linux.sysctl", "sysctl");
    if (l.seccomp) unsupported(".linux.seccomp", "seccomp");
    if (!l.mount_label.empty()) unsupported(".linux.mountLabel", "SELinux mount labels");
    if (l.intel_rdt) unsupported(".linux.intelRdt", "Intel RDT");
    if (l.personality) unsupported(".linux.personality", "personality");
    if (!l.time_offsets.empty()) unsupported(".linux.timeOffsets", "time namespace offsets");
    if (!l.net_devices.empty()) unsupported(".linux.netDevices", "moving network devices");
    if (l.memory_policy) unsupported(".linux.memoryPolicy", "the memory policy");
    if (l.resources)
        for (const auto& field : spec::set_resource_fields(*l.resources))
            log.warn("config.json: " + field + ": resource limits are not applied yet; ignored");
}

}  // namespace

void check_supported(const spec::Config& config, const Logger& log)
{
    check_hooks(config);
    if (config.process) check_process(*config.process);
    for (size_t i = 0; i < config.mounts.size(); ++i) {
        const auto& m = config.mounts[i];
        if (!m.uid_mappings.empty() || !m.gid_mappings.empty())
            unsupported(".mounts[" + std::to_string(i) + "].uidMappings", "id-mapped mounts");
    }
    if (config.linux) check_linux(*config.linux, log);
}

}  // namespace berth::runtime
