#include "berth/state/record.hpp"

#include <cstdio>
#include <ctime>
#include <limits>

#include "berth/state/container_id.hpp"
#include "berth/util/error.hpp"

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

[[noreturn]] void malformed(const std::string& why) { throw Error("malformed state: " + why); }

// The field, or nullptr when absent (or when `required`, an error).
const json* field(const json& j, const char* key, bool required)
{
    auto it = j.find(key);
    if (it == j.end()) {
        if (required) malformed(std::string("missing field \"") + key + "\"");
        return nullptr;
    }
    return &*it;
}

void read_string(const json& j, const char* key, std::string& out, bool required = false)
{
    const json* v = field(j, key, required);
    if (!v) return;
    if (!v->is_string()) malformed(std::string("field \"") + key + "\" is not a string");
    out = v->get<std::string>();
}

void read_bool(const json& j, const char* key, bool& out)
{
    const json* v = field(j, key, false);
    if (!v) return;
    if (!v->is_boolean()) malformed(std::string("field \"") + key + "\" is not a boolean");
    out = v->get<bool>();
}

// An integer in [0, max]; floats and negatives are rejected rather than truncated.
uint64_t read_uint(const json& j, const char* key, uint64_t max, bool required)
{
    const json* v = field(j, key, required);
    if (!v) return 0;
    if (!v->is_number_integer() || (!v->is_number_unsigned() && v->get<int64_t>() < 0))
        malformed(std::string("field \"") + key + "\" is not a non-negative integer");
    uint64_t n = v->get<uint64_t>();
    if (n > max) malformed(std::string("field \"") + key + "\" is out of range");
    return n;
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
    if (!j.is_object()) malformed("not a JSON object");
    Record rec;
    read_string(j, k_id, rec.id, true);
    if (!is_valid_container_id(rec.id)) malformed("invalid id \"" + rec.id + "\"");

    std::string status;
    read_string(j, k_status, status, true);
    auto st = parse_status(status);
    if (!st) malformed("unknown status \"" + status + "\"");
    rec.status = *st;

    rec.pid = static_cast<pid_t>(read_uint(j, k_pid, std::numeric_limits<pid_t>::max(), true));
    rec.init_start_time = read_uint(j, k_init_start_time, std::numeric_limits<uint64_t>::max(), false);

    read_string(j, k_oci_version, rec.oci_version);
    read_string(j, k_bundle, rec.bundle);
    read_string(j, k_rootfs, rec.rootfs);
    read_string(j, k_created, rec.created);
    read_string(j, k_owner, rec.owner);
    read_bool(j, k_own_pid_ns, rec.own_pid_namespace);

    if (const json* a = field(j, k_annotations, false); a && !a->is_null()) {
        if (!a->is_object()) malformed("field \"annotations\" is not an object");
        for (const auto& [key, value] : a->items()) {
            if (!value.is_string()) malformed("annotation \"" + key + "\" is not a string");
            rec.annotations.emplace(key, value.get<std::string>());
        }
    }
    if (const json* c = field(j, k_cgroup, false)) rec.cgroup = *c;
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
