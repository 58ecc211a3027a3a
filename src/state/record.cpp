#include "berth/state/record.hpp"

#include <string_view>

#include "berth/state/container_id.hpp"
#include "berth/util/error.hpp"
#include "berth/util/json_reader.hpp"

namespace berth::state {

using nlohmann::json;

namespace {

// state.json keys. Stable on disk: a berth upgrade must read records written by the previous one.
constexpr const char* k_oci_version = "ociVersion";
constexpr const char* k_id = "id";
constexpr const char* k_status = "status";
constexpr const char* k_pid = "pid";
constexpr const char* k_bundle = "bundle";
constexpr const char* k_rootfs = "rootfs";
constexpr const char* k_created = "created";
constexpr const char* k_annotations = "annotations";
constexpr const char* k_owner = "owner";
constexpr const char* k_init_start_time = "initStartTime";
constexpr const char* k_own_pid_ns = "ownPidNamespace";
constexpr const char* k_cgroup = "cgroup";

// Errors read "malformed state: <path>: <problem>", e.g. "malformed state: .pid: expected
// integer, got string".
constexpr std::string_view malformed = "malformed state";

// Optional members keep their default when absent; null is refused like any other wrong type
// (berth never writes it for these).
void read_string(const JsonNode& obj, std::string_view key, std::string& out)
{
    if (auto n = obj.find(key)) out = n->as_string();
}

void read_bool(const JsonNode& obj, std::string_view key, bool& out)
{
    if (auto n = obj.find(key)) out = n->as_bool();
}

}  // namespace

json to_json(const Record& rec)
{
    return json{
        {k_oci_version, rec.oci_version},
        {k_id, rec.id},
        {k_status, std::string(to_string(rec.status))},
        {k_pid, rec.pid},
        {k_bundle, rec.bundle},
        {k_rootfs, rec.rootfs},
        {k_created, rec.created},
        {k_annotations, rec.annotations},
        {k_owner, rec.owner},
        {k_init_start_time, rec.init_start_time},
        {k_own_pid_ns, rec.own_pid_namespace},
        {k_cgroup, rec.cgroup},
    };
}

Record record_from_json(const json& j)
{
    const JsonNode root(j, "", malformed);
    root.require_object();
    Record rec;
    const JsonNode id = root.required(k_id);
    rec.id = id.as_string();
    if (!is_valid_container_id(rec.id)) id.fail("invalid id \"" + rec.id + "\"");

    const JsonNode status = root.required(k_status);
    auto st = parse_status(status.as_string());
    if (!st) status.fail("unknown status " + status.json().dump());
    rec.status = *st;

    const JsonNode pid = root.required(k_pid);
    rec.pid = pid.as_int<pid_t>();
    if (rec.pid < 0) pid.fail("must not be negative");
    if (auto n = root.find(k_init_start_time)) rec.init_start_time = n->as_int<uint64_t>();

    read_string(root, k_oci_version, rec.oci_version);
    read_string(root, k_bundle, rec.bundle);
    read_string(root, k_rootfs, rec.rootfs);
    read_string(root, k_created, rec.created);
    read_string(root, k_owner, rec.owner);
    read_bool(root, k_own_pid_ns, rec.own_pid_namespace);

    if (auto a = root.member(k_annotations))  // null: none
        a->each_member([&](const std::string& key, const JsonNode& value) {
            rec.annotations.emplace(key, value.as_string());
        });
    if (auto c = root.find(k_cgroup)) rec.cgroup = c->json();  // the cgroup manager reads it
    return rec;
}

Record parse_record(std::string_view text)
{
    json j = parse_json(text, malformed);
    // The cgroup member is most of a record: moved into it, not copied.
    json cgroup;
    if (j.is_object())
        if (auto it = j.find(k_cgroup); it != j.end()) {
            cgroup = std::move(*it);
            j.erase(it);
        }
    Record rec = record_from_json(j);
    rec.cgroup = std::move(cgroup);
    return rec;
}

nlohmann::ordered_json to_state_json(const Record& rec, Status live_status)
{
    nlohmann::ordered_json out;
    out["ociVersion"] = rec.oci_version;
    out["id"] = rec.id;
    // runc reports pid 0 for a stopped container: the stored pid may belong to someone else by now.
    out["pid"] = live_status == Status::stopped ? 0 : rec.pid;
    out["status"] = std::string(to_string(live_status));
    out["bundle"] = rec.bundle;
    out["rootfs"] = rec.rootfs;
    out["created"] = rec.created;
    if (!rec.annotations.empty()) {
        nlohmann::ordered_json ann = nlohmann::ordered_json::object();
        for (const auto& [k, v] : rec.annotations) ann[k] = v;
        out["annotations"] = std::move(ann);
    }
    out["owner"] = rec.owner;
    return out;
}


}  // namespace berth::state
