// The systemd cgroup driver's pure half: cgroupsPath "slice:prefix:name" to a unit and its
// cgroup, and linux.resources / device rules to transient unit properties (as runc's systemd
// driver sets them). No I/O; systemd_manager.cpp sends the result through berth-systemd.
#pragma once
#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "berth/cgroups/devices.hpp"
#include "berth/spec/config.hpp"

namespace berth::cgroups::systemd {

struct Unit {
    std::string slice;  // "system.slice", "machine-pod1.slice"
    std::string name;   // "berth-c1.scope"
    // The unit's cgroup below each hierarchy root: "/system.slice/berth-c1.scope".
    std::string cgroup() const;
};

// linux.cgroupsPath for the systemd driver. Empty: the unit berth-<id>.scope in system.slice;
// "slice:prefix:name": <prefix>-<name>.scope (<name>.scope without a prefix) in <slice>
// (system.slice when empty). Throws Error "config.json: .linux.cgroupsPath: ..." for any other
// form, a name ending in .slice (berth starts scopes only), or names systemd would refuse.
Unit parse_unit(std::string_view cgroups_path, std::string_view id);

// "a-b.slice" -> "/a.slice/a-b.slice"; "-.slice" (the root slice) -> "". Throws Error for a
// name without the .slice suffix, with '/', or with empty dash-separated parts.
std::string expand_slice(std::string_view slice);

// A unit property as D-Bus wants it: name, signature of the value, the value as JSON
// (t/u/i/x: number, b: bool, s: string, ay/au: arrays of numbers, a(ss): arrays of pairs).
struct Property {
    std::string name;
    std::string signature;
    nlohmann::json value;

    bool operator==(const Property&) const = default;
};

// The cgroup flavour systemd manages: v1 (legacy and hybrid hosts: MemoryLimit, CPUShares, no
// cpuset) or v2 (MemoryMax, CPUWeight, AllowedCPUs).
enum class Flavour { v1, v2 };

// Properties every scope gets: Slice, Description, Delegate, DefaultDependencies=no, the
// accounting switches, and PIDs (the container's init) when pid > 0.
std::vector<Property> base_properties(const Unit& unit, std::string_view id, pid_t pid, Flavour flavour);

struct Translated {
    std::vector<Property> properties;
    // What systemd cannot express, for the cgroupfs manager to write into the unit's cgroup.
    spec::Resources rest;
};

// linux.resources as unit properties: memory limit (and on v2 reservation and swap), cpu
// shares/weight, quota and period (CPUQuotaPerSecUSec rounded up to 10 ms, as systemd keeps
// it), on v2 cpus and mems (AllowedCPUs / AllowedMemoryNodes), pids. Each translated field is
// cleared from `rest`. Throws Error naming the field for values neither driver accepts.
Translated translate_resources(const spec::Resources& resources, Flavour flavour);

// DevicePolicy and DeviceAllow for the ordered rules (last match wins). systemd has an allow
// list only, so the result allows at least what the rules allow (deny rules after allows,
// "c 10:*" as "char-*"); berth applies the exact rules on top through the cgroupfs manager.
std::vector<Property> device_properties(const std::vector<DeviceRule>& rules);

// "0-3,8" as systemd's CPU/NUMA node mask: byte i bit j is cpu 8*i+j. Throws Error naming
// `field` for a malformed list.
std::vector<uint8_t> cpu_mask(std::string_view list, std::string_view field);

// The property list as berth-systemd reads it: [[name, signature, value], ...].
nlohmann::json properties_json(const std::vector<Property>& props);

}  // namespace berth::cgroups::systemd
