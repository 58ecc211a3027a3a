// What berth needs to know about a container's init process, from /proc/<pid>/stat.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string_view>

namespace berth::state {

struct ProcInfo {
    bool exists = false;
    char state = 0;           // field 3: 'R', 'S', 'D', 'Z', 'T', ...
    uint64_t start_time = 0;  // field 22: clock ticks after boot; pins the pid to one process
};

// exists=false when /proc/<pid> is gone (or pid <= 0). Throws Error on other read failures
// or when the stat line cannot be parsed.
ProcInfo read_proc_info(pid_t pid);

// Parses a /proc/<pid>/stat line. The comm field (2) is free text and may contain spaces and
// ')', so fields are counted from the last ')'. nullopt when malformed. exists is set to true.
std::optional<ProcInfo> parse_proc_stat(std::string_view stat_line);
// Field 22 of a /proc/<pid>/stat line.
std::optional<uint64_t> parse_start_time(std::string_view stat_line);

}  // namespace berth::state
