// Typed model of an OCI runtime-spec config.json (v1.2, Linux fields; some v1.3 fields).
// Field names are the JSON names in snake_case. Absent objects whose absence matters are
// std::optional, absent arrays/maps are empty, absent strings are "".
#pragma once

// GNU C++ modes predefine `linux` as 1, which would break the Config::linux member.
// Code should use __linux__ instead.
#undef linux

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace berth::spec {

enum class NamespaceType { pid, network, mount, ipc, uts, user, cgroup, time };

// Every namespace type with the spec's name for it (`berth features` lists these).
inline constexpr std::pair<NamespaceType, std::string_view> namespace_names[] = {
    {NamespaceType::pid, "pid"},   {NamespaceType::network, "network"}, {NamespaceType::mount, "mount"},
    {NamespaceType::ipc, "ipc"},   {NamespaceType::uts, "uts"},         {NamespaceType::user, "user"},
    {NamespaceType::cgroup, "cgroup"}, {NamespaceType::time, "time"},
};

// The spec's names, from namespace_names.
std::string_view to_string(NamespaceType);
std::optional<NamespaceType> namespace_type_from_string(std::string_view);

struct IdMapping {
    uint32_t container_id = 0, host_id = 0, size = 0;
};

struct Namespace {
    NamespaceType type = NamespaceType::pid;
    std::string path;  // empty: create a new namespace
};

struct Mount {
    std::string destination, type, source;
    std::vector<std::string> options;
    std::vector<IdMapping> uid_mappings, gid_mappings;
};

struct Root {
    std::string path;
    bool readonly = false;
};

struct User {
    uint32_t uid = 0, gid = 0;
    std::optional<uint32_t> umask;
    std::vector<uint32_t> additional_gids;
    std::string username;
};

struct Capabilities {
    std::vector<std::string> bounding, effective, inheritable, permitted, ambient;
};

struct Rlimit {
    std::string type;  // "RLIMIT_NOFILE", ...
    uint64_t hard = 0, soft = 0;
};

// process.consoleSize
struct Box {
    uint32_t height = 0, width = 0;
};

struct Scheduler {
    std::string policy;  // "SCHED_OTHER", ...
    int32_t nice = 0, priority = 0;
    std::vector<std::string> flags;
    uint64_t runtime = 0, deadline = 0, period = 0;
};

struct IoPriority {
    std::string class_;  // JSON "class" ("IOPRIO_CLASS_RT", ...); `class` is a C++ keyword
    int32_t priority = 0;
};

struct ExecCpuAffinity {
    std::string initial, final;
};

struct Process {
    bool terminal = false;
    std::optional<Box> console_size;
    User user;
    std::vector<std::string> args;
    std::string command_line;
    std::vector<std::string> env;
    std::string cwd;
    std::optional<Capabilities> capabilities;
    std::vector<Rlimit> rlimits;
    bool no_new_privileges = false;
    std::string apparmor_profile;
    std::optional<int> oom_score_adj;
    std::string selinux_label;
    std::optional<Scheduler> scheduler;
    std::optional<IoPriority> io_priority;
    std::optional<ExecCpuAffinity> exec_cpu_affinity;
};

struct Hook {
    std::string path;
    std::vector<std::string> args;
    // Absent: the hook inherits the runtime's environment (runc's and crun's behaviour); an
    // empty list is an empty environment.
    std::optional<std::vector<std::string>> env;
    std::optional<int> timeout;
};

struct Hooks {
    std::vector<Hook> prestart, create_runtime, create_container, start_container, poststart, poststop;
};

// linux.devices[]: a device node to create in the container.
struct Device {
    std::string type;  // c, b, u, p
    std::string path;
    int64_t major = 0, minor = 0;
    std::optional<uint32_t> file_mode;
    std::optional<uint32_t> uid, gid;
};

// ---- linux.resources ----

// linux.resources.devices[]: a device cgroup allow/deny rule.
struct DeviceCgroupRule {
    bool allow = false;
    std::string type;  // a, c, b; empty means all
    std::optional<int64_t> major, minor;  // absent means all (*)
    std::string access;  // subset of "rwm"
};

struct Memory {
    std::optional<int64_t> limit, reservation, swap, kernel, kernel_tcp;
    std::optional<uint64_t> swappiness;
    std::optional<bool> disable_oom_killer, use_hierarchy, check_before_update;
};

struct Cpu {
    std::optional<uint64_t> shares;
    std::optional<int64_t> quota;
    std::optional<uint64_t> burst, period;
    std::optional<int64_t> realtime_runtime;
    std::optional<uint64_t> realtime_period;
    std::string cpus, mems;
    std::optional<int64_t> idle;
};

struct Pids {
    std::optional<int64_t> limit;
};

struct WeightDevice {
    int64_t major = 0, minor = 0;
    std::optional<uint16_t> weight, leaf_weight;
};

struct ThrottleDevice {
    int64_t major = 0, minor = 0;
    uint64_t rate = 0;
};

struct BlockIO {
    std::optional<uint16_t> weight, leaf_weight;
    std::vector<WeightDevice> weight_device;
    std::vector<ThrottleDevice> throttle_read_bps_device, throttle_write_bps_device,
        throttle_read_iops_device, throttle_write_iops_device;
};

struct HugepageLimit {
    std::string page_size;  // JSON "pageSize", e.g. "2MB"
    uint64_t limit = 0;
};

struct InterfacePriority {
    std::string name;
    uint32_t priority = 0;
};

struct Network {
    std::optional<uint32_t> class_id;
    std::vector<InterfacePriority> priorities;
};

struct Rdma {
    std::optional<uint32_t> hca_handles, hca_objects;
};

struct Resources {
    std::vector<DeviceCgroupRule> devices;
    std::optional<Memory> memory;
    std::optional<Cpu> cpu;
    std::optional<Pids> pids;
    std::optional<BlockIO> block_io;
    std::vector<HugepageLimit> hugepage_limits;
    std::optional<Network> network;
    std::map<std::string, Rdma> rdma;  // keyed by HCA name
    std::map<std::string, std::string> unified;  // cgroup v2 file -> value
};

// ---- linux.seccomp ----

// A piece of a larger text, sharing it: linux.seccomp's JSON is ~17 KB of an engine's
// config.json, which berth keeps anyway, and a copy of it costs a start its page faults.
class TextSlice {
public:
    TextSlice() = default;
    explicit TextSlice(std::string whole)
        : text_(std::make_shared<const std::string>(std::move(whole))), end_(text_->size())
    {
    }
    TextSlice(std::shared_ptr<const std::string> whole, size_t begin, size_t end)
        : text_(std::move(whole)), begin_(begin), end_(end)
    {
    }
    std::string_view view() const
    {
        return text_ ? std::string_view(*text_).substr(begin_, end_ - begin_) : std::string_view();
    }

private:
    std::shared_ptr<const std::string> text_;
    size_t begin_ = 0, end_ = 0;
};

struct SeccompArg {
    uint32_t index = 0;
    uint64_t value = 0, value_two = 0;
    std::string op;  // "SCMP_CMP_EQ", ...
};

struct SeccompSyscall {
    std::vector<std::string> names;
    std::string action;
    std::optional<uint32_t> errno_ret;
    std::vector<SeccompArg> args;
};

struct Seccomp {
    std::string default_action;
    std::optional<uint32_t> default_errno_ret;
    std::vector<std::string> architectures, flags;
    std::string listener_path, listener_metadata;
    std::vector<SeccompSyscall> syscalls;
};

// ---- other linux objects ----

struct IntelRdt {
    std::string clos_id, l3_cache_schema, mem_bw_schema;
    std::vector<std::string> schemata;  // v1.3
    bool enable_cmt = false, enable_mbm = false;
    bool enable_monitoring = false;  // v1.3
};

struct Personality {
    std::string domain;  // "LINUX", "LINUX32"
    std::vector<std::string> flags;
};

// linux.timeOffsets values, keyed by clock name ("monotonic", "boottime").
struct TimeOffset {
    int64_t secs = 0;
    uint32_t nanosecs = 0;
};

// linux.netDevices values (v1.3), keyed by host interface name.
struct NetDevice {
    std::string name;  // name inside the container; empty keeps the host name
};

// linux.memoryPolicy (v1.3).
struct MemoryPolicy {
    std::string mode, nodes;
    std::vector<std::string> flags;
};

struct Linux {
    std::vector<IdMapping> uid_mappings, gid_mappings;
    std::map<std::string, std::string> sysctl;
    std::optional<Resources> resources;
    std::string cgroups_path;
    std::vector<Namespace> namespaces;
    std::vector<Device> devices;
    // linux.seccomp as JSON text, parsed by parse_seccomp only where a filter is built and
    // berth's cache of compiled filters does not hold it (runtime/seccomp_plan.hpp): an
    // engine's profile is ~17 KB of its ~18 KB config and the same for every container.
    std::optional<TextSlice> seccomp;
    std::string rootfs_propagation;
    std::vector<std::string> masked_paths, readonly_paths;
    std::string mount_label;
    std::optional<IntelRdt> intel_rdt;
    std::optional<Personality> personality;
    std::map<std::string, TimeOffset> time_offsets;
    std::map<std::string, NetDevice> net_devices;
    std::optional<MemoryPolicy> memory_policy;
};

struct Config {
    std::string oci_version;
    Root root;
    std::optional<Process> process;
    std::string hostname, domainname;
    std::vector<Mount> mounts;
    std::optional<Hooks> hooks;
    std::map<std::string, std::string> annotations;
    std::optional<Linux> linux;
};

}  // namespace berth::spec
