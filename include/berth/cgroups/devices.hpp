// Device access control (linux.resources.devices): the same ordered rules as v1
// devices.allow/devices.deny lines and as a cgroup v2 eBPF device program. The last rule that
// matches an access decides it, as in runc; an access no rule matches is denied on v2 (v1
// starts from what the parent cgroup allows).
#pragma once
#include <linux/bpf.h>

#include <cstdint>
#include <string>
#include <vector>

namespace berth::cgroups {

struct DeviceRule {
    char type = 'a';     // 'a' (any), 'c', 'b'
    int64_t major = -1;  // -1: any
    int64_t minor = -1;
    std::string access = "rwm";
    bool allow = false;
};

// runc's allow list, appended after the config's rules: mknod of any node (so berth's own
// /dev setup always works), the standard character devices, ptys and the console.
std::vector<DeviceRule> default_device_rules();

// "c 1:3 rwm", "a *:* rwm": a line for devices.allow or devices.deny.
std::string v1_device_line(const DeviceRule& rule);

// A BPF_PROG_TYPE_CGROUP_DEVICE program deciding by `rules` (last match wins, default deny).
std::vector<bpf_insn> device_program(const std::vector<DeviceRule>& rules);

// Loads `program` and attaches it to the cgroup v2 directory `cgroup_dirfd` (BPF_F_ALLOW_MULTI,
// as runc, so programs of parent cgroups keep applying). Throws Error.
void attach_device_program(int cgroup_dirfd, const std::vector<bpf_insn>& program);

}  // namespace berth::cgroups
