// Semantic checks on a parsed spec (what JSON types alone cannot express).
#pragma once
#include <optional>
#include <string_view>

#include "berth/spec/config.hpp"
#include "berth/spec/defaults.hpp"

namespace berth::spec {

// Throws berth::Error "<source>: <json path>: <problem>" for the first problem found,
// e.g. "config.json: .mounts[1].destination: must be an absolute path".
// parse_config calls this; call it again after modifying a Config.
void validate(const Config& config, std::string_view source = config_file_name);

// Checks a process object alone; `path` is where it sits (".process" in config.json,
// "" for a standalone process.json).
void validate_process(const Process& process, std::string_view source, std::string_view path);

// "RLIMIT_CPU" -> RLIMIT_CPU ... "RLIMIT_RTTIME" -> RLIMIT_RTTIME (the <sys/resource.h> values).
std::optional<int> rlimit_from_name(std::string_view name);

// The namespace a sysctl key lives in, by runc's rules: IPC for kernel.msg*, kernel.sem,
// kernel.shm* and fs.mqueue.*; network for net.*; UTS for kernel.domainname and
// kernel.hostname. nullopt: the host's, never settable from a container.
std::optional<NamespaceType> sysctl_namespace(std::string_view key);

}  // namespace berth::spec
