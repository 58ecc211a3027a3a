#include "berth/unpack/runtime_config.hpp"

#include <map>

#include "berth/spec/default_spec.hpp"
#include "berth/spec/defaults.hpp"
#include "berth/util/error.hpp"
#include "berth/util/json_reader.hpp"

namespace berth::unpack {

namespace {

using ojson = nlohmann::ordered_json;
using nlohmann::json;

std::vector<std::string> strings_at(const JsonNode& parent, std::string_view key)
{
    std::vector<std::string> out;
    if (auto n = parent.member(key)) n->each_element([&](const JsonNode& e) { out.push_back(e.as_string()); });
    return out;
}

// "a" + sep + "b": appended in place (GCC 12 warns falsely on a temporary's insert at 0).
void append_listed(std::string& list, std::string_view sep, std::string_view item)
{
    if (!list.empty()) list.append(sep);
    list.append(item);
}

bool has_var(const std::vector<std::string>& env, std::string_view name)
{
    for (const auto& e : env)
        if (e.size() > name.size() && e.compare(0, name.size(), name) == 0 && e[name.size()] == '=') return true;
    return false;
}

ojson id_mappings(const IdMap& m)
{
    ojson a = ojson::array();
    for (const auto& r : m.ranges) {
        ojson o = ojson::object();
        o["containerID"] = r.container;
        o["hostID"] = r.host;
        o["size"] = r.size;
        a.push_back(std::move(o));
    }
    return a;
}

// conversion.md's implicit annotations, then Config.Labels, which take precedence.
ojson annotations(const JsonNode& root, const JsonNode* cfg)
{
    std::map<std::string, std::string> a;
    auto put = [&](const char* field, const char* key) {
        if (auto n = root.member(field)) a[key] = n->as_string();
    };
    put("os", "org.opencontainers.image.os");
    put("architecture", "org.opencontainers.image.architecture");
    put("variant", "org.opencontainers.image.variant");
    put("os.version", "org.opencontainers.image.os.version");
    put("author", "org.opencontainers.image.author");
    put("created", "org.opencontainers.image.created");
    if (auto n = root.member("os.features")) {
        std::string joined;
        n->each_element([&](const JsonNode& e) { append_listed(joined, ",", e.as_string()); });
        a["org.opencontainers.image.os.features"] = joined;
    }
    if (cfg) {
        if (auto n = cfg->member("StopSignal")) a["org.opencontainers.image.stopSignal"] = n->as_string();
        if (auto n = cfg->member("ExposedPorts")) {
            std::string ports;
            n->each_member([&](const std::string& k, const JsonNode&) { append_listed(ports, ",", k); });
            a["org.opencontainers.image.exposedPorts"] = ports;
        }
        if (auto n = cfg->member("Labels"))
            n->each_member([&](const std::string& k, const JsonNode& v) { a[k] = v.as_string(); });
    }
    ojson out = ojson::object();
    for (auto& [k, v] : a) out[k] = v;
    return out;
}

}  // namespace

ImageProcess image_process(const nlohmann::json& image_config, std::string_view source)
{
    JsonNode root(image_config, "", source);
    root.require_object();
    ImageProcess p;
    auto cfg = root.member("config");
    if (!cfg) return p;
    cfg->require_object();
    p.args = strings_at(*cfg, "Entrypoint");
    for (auto& c : strings_at(*cfg, "Cmd")) p.args.push_back(std::move(c));
    p.env = strings_at(*cfg, "Env");
    if (auto n = cfg->member("WorkingDir")) p.cwd = n->as_string();
    if (auto n = cfg->member("User")) p.user = n->as_string();
    return p;
}

nlohmann::ordered_json runtime_config(const nlohmann::json& image_config, std::string_view source,
                                      const ResolvedUser& user, const ConvertOptions& opts,
                                      const std::function<void(std::string_view)>& warn)
{
    ImageProcess ip = image_process(image_config, source);
    JsonNode root(image_config, "", source);
    auto cfg = root.member("config");
    if (ip.args.empty())
        fail_at_json_path(source, ".config", "neither Entrypoint nor Cmd: the image names no program to run");

    ojson spec = spec::default_spec(opts.rootless);
    ojson& proc = spec["process"];
    proc["terminal"] = opts.tty;
    ojson u = ojson::object();
    u["uid"] = user.uid;
    u["gid"] = user.gid;
    if (!user.additional_gids.empty()) u["additionalGids"] = user.additional_gids;
    proc["user"] = std::move(u);
    proc["args"] = ip.args;
    // The image's environment as it is; PATH (and TERM for a terminal) only where it has none.
    std::vector<std::string> env;
    if (!has_var(ip.env, "PATH")) env.push_back(std::string("PATH=") + spec::default_path);
    for (auto& e : ip.env) env.push_back(e);
    if (opts.tty && !has_var(ip.env, "TERM")) env.push_back("TERM=xterm");
    proc["env"] = env;
    std::string cwd = "/";  // Docker reads a relative WorkingDir from /
    if (!ip.cwd.empty()) cwd = ip.cwd.front() == '/' ? ip.cwd : cwd.append(ip.cwd);
    proc["cwd"] = cwd;
    // An image expects to write to its rootfs, as under every engine.
    spec["root"]["readonly"] = false;
    spec["annotations"] = annotations(root, cfg ? &*cfg : nullptr);

    if (cfg) {
        if (auto vols = cfg->member("Volumes")) {
            std::vector<std::string> names;
            vols->each_member([&](const std::string& k, const JsonNode&) { names.push_back(k); });
            if (!names.empty() && !opts.volumes) {
                std::string list;
                for (auto& n : names) append_listed(list, ", ", n);
                if (warn) warn("image volumes left out of config.json (--no-volumes): " + list);
            } else {
                for (auto& n : names) {
                    ojson m = ojson::object();
                    m["destination"] = n;
                    m["type"] = "tmpfs";
                    m["source"] = "tmpfs";
                    m["options"] = ojson::array({"nosuid", "nodev", "mode=755"});
                    spec["mounts"].push_back(std::move(m));
                }
            }
        }
    }

    if (!opts.uid_map.ranges.empty() || !opts.gid_map.ranges.empty()) {
        ojson& l = spec["linux"];
        l["uidMappings"] = id_mappings(opts.uid_map);
        l["gidMappings"] = id_mappings(opts.gid_map);
        bool has_user_ns = false;
        for (const auto& ns : l["namespaces"]) has_user_ns = has_user_ns || ns["type"] == "user";
        if (!has_user_ns) l["namespaces"].push_back(ojson{{"type", "user"}});
    }
    return spec;
}

}  // namespace berth::unpack
