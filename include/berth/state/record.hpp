// The container state record kept in <root>/<id>/state.json, and the `berth state` view of it.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "berth/state/proc_info.hpp"
#include "berth/util/clock.hpp"
#include "berth/state/status.hpp"

namespace berth::state {

struct Record {
    // runtime-spec state fields
    std::string oci_version;  // "1.2.0"
    std::string id;
    Status status = Status::creating;  // stored phase: creating, created, running (after start), stopped
    pid_t pid = 0;
    std::string bundle;   // absolute
    std::string rootfs;   // absolute
    std::string created;  // RFC 3339, nanoseconds, UTC: 2026-11-27T07:30:00.123456789Z
    std::map<std::string, std::string> annotations;
    std::string owner;  // "" for root, like runc

    // berth's own bookkeeping, needed by delete/kill/state
    uint64_t init_start_time = 0;   // /proc/<pid>/stat field 22; must be set whenever pid is
    bool own_pid_namespace = true;  // false: shares a pid ns, so kill/delete go through the cgroup
    nlohmann::json cgroup;          // opaque; owned by the cgroup manager (which driver, which paths)
};

// Full record as stored in state.json.
nlohmann::json to_json(const Record& rec);
// Throws Error("malformed state: ...") on a missing/mistyped field or an unknown status.
// Fields other than id, status and pid default when absent.
Record record_from_json(const nlohmann::json& j);
// state.json's text to a Record; text that is not JSON is "malformed state: invalid JSON: ...".
Record parse_record(std::string_view text);

// What `berth state ID` prints, in this order: ociVersion, id, pid, status, bundle, rootfs,
// created, annotations (only when non-empty, as runc), owner. pid is 0 when live_status is stopped.
nlohmann::ordered_json to_state_json(const Record& rec, Status live_status);

// Current time, RFC 3339 UTC with nanoseconds.
using berth::now_rfc3339;
using berth::rfc3339_utc;

}  // namespace berth::state
