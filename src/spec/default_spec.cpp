// The example spec `berth spec` writes: the same content and key order as `runc spec`
// (Go marshals struct fields in declaration order), except hostname "berth".
#include "berth/spec/default_spec.hpp"

#include <unistd.h>

#include <initializer_list>
#include <string>
#include <string_view>

#include "berth/spec/defaults.hpp"
#include "berth/spec/version.hpp"

namespace berth::spec {

namespace {

using ojson = nlohmann::ordered_json;

// Explicit arrays: nlohmann would read a braced list of two strings as an object member.
ojson strings(std::initializer_list<std::string_view> items)
{
    ojson a = ojson::array();
    for (auto s : items) a.push_back(std::string(s));
    return a;
}

ojson mount(std::string_view dest, std::string_view type, std::string_view source, ojson options)
{
    ojson m = ojson::object();
    m["destination"] = dest;
    m["type"] = type;
    m["source"] = source;
    if (!options.empty()) m["options"] = std::move(options);
    return m;
}

ojson process()
{
    const auto caps = strings({"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"});
    ojson p = ojson::object();
    p["terminal"] = true;
    p["user"] = {{"uid", 0}, {"gid", 0}};
    p["args"] = strings({"sh"});
    p["env"] = strings({std::string("PATH=") + default_path, "TERM=xterm"});
    p["cwd"] = "/";
    // No inheritable or ambient set: CVE-2022-29162 (runc 1.1.2 dropped them).
    p["capabilities"] = {{"bounding", caps}, {"effective", caps}, {"permitted", caps}};
    ojson nofile = ojson::object();
    nofile["type"] = "RLIMIT_NOFILE";
    nofile["hard"] = 1024;
    nofile["soft"] = 1024;
    p["rlimits"] = ojson::array({nofile});
    p["noNewPrivileges"] = true;
    return p;
}

ojson mounts(bool rootless)
{
    ojson devpts_opts = rootless ? strings({"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"})
                                 : strings({"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"});
    // A rootless container cannot mount a fresh sysfs without its own network namespace.
    ojson sys = rootless ? mount("/sys", "none", "/sys", strings({"rbind", "nosuid", "noexec", "nodev", "ro"}))
                         : mount("/sys", "sysfs", "sysfs", strings({"nosuid", "noexec", "nodev", "ro"}));
    ojson m = ojson::array();
    m.push_back(mount("/proc", "proc", "proc", ojson::array()));
    m.push_back(mount("/dev", "tmpfs", "tmpfs", strings({"nosuid", "strictatime", "mode=755", "size=65536k"})));
    m.push_back(mount("/dev/pts", "devpts", "devpts", std::move(devpts_opts)));
    m.push_back(mount("/dev/shm", "tmpfs", "shm", strings({"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"})));
    m.push_back(mount("/dev/mqueue", "mqueue", "mqueue", strings({"nosuid", "noexec", "nodev"})));
    m.push_back(std::move(sys));
    m.push_back(
        mount("/sys/fs/cgroup", "cgroup", "cgroup", strings({"nosuid", "noexec", "nodev", "relatime", "ro"})));
    return m;
}

ojson id_mapping(unsigned host_id)
{
    ojson m = ojson::object();
    m["containerID"] = 0;
    m["hostID"] = host_id;
    m["size"] = 1;
    return ojson::array({m});
}

ojson linux_section(bool rootless)
{
    ojson l = ojson::object();
    if (rootless) {
        l["uidMappings"] = id_mapping(::geteuid());
        l["gidMappings"] = id_mapping(::getegid());
    } else {
        ojson deny_all = ojson::object();
        deny_all["allow"] = false;
        deny_all["access"] = "rwm";
        l["resources"] = {{"devices", ojson::array({deny_all})}};
    }
    ojson ns = ojson::array();
    for (std::string_view t : {"pid", "network", "ipc", "uts", "mount", "cgroup"}) {
        if (rootless && t == "network") continue;
        ns.push_back({{"type", t}});
    }
    if (rootless) ns.push_back({{"type", "user"}});
    l["namespaces"] = std::move(ns);
    l["maskedPaths"] = strings({"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                                "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
                                "/proc/scsi"});
    l["readonlyPaths"] = strings({"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"});
    return l;
}

}  // namespace

nlohmann::ordered_json default_spec(bool rootless)
{
    ojson spec = ojson::object();
    spec["ociVersion"] = oci_version;
    spec["process"] = process();
    spec["root"] = {{"path", "rootfs"}, {"readonly", true}};
    spec["hostname"] = "berth";
    spec["mounts"] = mounts(rootless);
    spec["linux"] = linux_section(rootless);
    return spec;
}

}  // namespace berth::spec
