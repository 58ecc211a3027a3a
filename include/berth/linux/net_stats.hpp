// Per-interface traffic counters of a network namespace, as /proc/<pid>/net/dev shows them
// for the namespace <pid> is in (what `events` reports as runc's network_interfaces).
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace berth::os {

struct NetInterfaceStats {
    std::string name;
    uint64_t rx_bytes = 0, rx_packets = 0, rx_errors = 0, rx_dropped = 0;
    uint64_t tx_bytes = 0, tx_packets = 0, tx_errors = 0, tx_dropped = 0;

    bool operator==(const NetInterfaceStats&) const = default;
};

// Parses /proc/net/dev text: two header lines, then "name: <8 receive> <8 transmit>" counters.
// Malformed lines are skipped.
std::vector<NetInterfaceStats> parse_net_dev(std::string_view text);

// The interfaces of pid's network namespace; nullopt when the process is gone or its
// /proc/<pid>/net/dev cannot be read.
std::optional<std::vector<NetInterfaceStats>> read_net_dev(pid_t pid);

// Whether pid is in the caller's network namespace (compares the /proc/<pid>/ns/net links);
// nullopt when that cannot be told.
std::optional<bool> shares_net_namespace(pid_t pid);

}  // namespace berth::os
