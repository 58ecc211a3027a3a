#include "berth/unpack/image_source.hpp"

#include "berth/image/media_types.hpp"
#include "berth/util/error.hpp"

namespace berth::unpack {

namespace {

namespace mt = image::media_type;
using nlohmann::json;

// An index may point at another index (nested indexes are legal); a bound stops a loop.
constexpr int max_index_depth = 8;

std::string tags_of(const json& index)
{
    std::string out;
    for (const auto& m : index.value("manifests", json::array())) {
        auto a = m.value("annotations", json::object());
        auto it = a.find(std::string(image::ref_name_annotation));
        if (it == a.end() || !it->is_string()) continue;
        if (!out.empty()) out += ", ";
        out += it->get<std::string>();
    }
    return out.empty() ? "none" : out;
}

json top_descriptor(const image::Layout& layout, const image::LayoutRef& ref)
{
    if (!ref.tag.empty()) {
        if (auto d = layout.find_by_tag(ref.tag)) return *d;
        throw Error("no image tagged " + ref.tag + " in " + layout.dir() + " (tags: " + tags_of(layout.read_index()) +
                    ")");
    }
    if (!ref.digest.empty()) {
        if (auto d = layout.find_by_digest(ref.digest)) return *d;
        // A manifest inside an index (a platform's) is addressable by digest too.
        if (layout.has_blob(ref.digest)) return json{{"digest", ref.digest}};
        throw Error("no blob " + ref.digest + " in " + layout.dir());
    }
    json index = layout.read_index();
    const auto& ms = index.value("manifests", json::array());
    if (ms.size() == 1) return ms[0];
    if (ms.empty()) throw Error(layout.dir() + " holds no image");
    throw Error(layout.dir() + " holds " + std::to_string(ms.size()) + " images; name one as " + layout.dir() +
                ":TAG (tags: " + tags_of(index) + ") or @DIGEST");
}

std::string string_at(const json& j, const char* key, const std::string& where)
{
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) throw Error(where + ": ." + key + ": expected a string");
    return it->get<std::string>();
}

}  // namespace

ImageToUnpack find_image(const image::Layout& layout, const image::LayoutRef& ref,
                         const std::optional<image::Platform>& want, const std::function<void(std::string_view)>& warn)
{
    image::Platform platform = want ? *want : image::host_platform();
    json desc = top_descriptor(layout, ref);
    ImageToUnpack img;
    for (int depth = 0;; ++depth) {
        if (depth > max_index_depth) throw Error("indexes nested deeper than " + std::to_string(max_index_depth));
        std::string digest = string_at(desc, "digest", "descriptor");
        json doc = with_context("manifest " + digest, [&] {
            std::string text = layout.read_verified_blob(digest);
            json j = json::parse(text, nullptr, false);
            if (!j.is_object()) throw Error("not a JSON object");
            return j;
        });
        std::string type = desc.value("mediaType", doc.value("mediaType", std::string()));
        if (type.empty()) type = doc.contains("manifests") ? std::string(mt::oci_index) : std::string(mt::oci_manifest);
        if (mt::is_index(type)) {
            desc = with_context("index " + digest, [&] { return image::select_manifest(doc, platform); });
            continue;
        }
        if (!mt::is_manifest(type)) throw Error(digest + ": media type " + type + " is not an image manifest");
        img.manifest_digest = digest;
        img.manifest = std::move(doc);
        break;
    }
    const std::string where = "manifest " + img.manifest_digest;
    auto cfg = img.manifest.find("config");
    if (cfg == img.manifest.end() || !cfg->is_object()) throw Error(where + ": .config: expected a descriptor");
    std::string cfg_digest = string_at(*cfg, "digest", where + ": .config");
    img.config = with_context("config " + cfg_digest, [&] {
        json j = json::parse(layout.read_verified_blob(cfg_digest), nullptr, false);
        if (!j.is_object()) throw Error("not a JSON object");
        return j;
    });
    image::Platform have = image::platform_from_json(img.config);
    if (!have.os.empty() && !image::platform_matches(platform, have)) {
        std::string msg = "image is for " + have.str() + ", not " + platform.str();
        if (want) throw Error(msg);
        if (warn) warn(msg);
    }
    auto layers = img.manifest.find("layers");
    if (layers == img.manifest.end() || !layers->is_array()) throw Error(where + ": .layers: expected an array");
    for (const auto& l : *layers) img.layers.push_back(l);
    auto rootfs = img.config.find("rootfs");
    const json* diffs = nullptr;
    if (rootfs != img.config.end() && rootfs->is_object() && rootfs->contains("diff_ids")) diffs = &(*rootfs)["diff_ids"];
    if (!diffs || !diffs->is_array()) throw Error("config " + cfg_digest + ": .rootfs.diff_ids: expected an array");
    for (const auto& d : *diffs) {
        if (!d.is_string()) throw Error("config " + cfg_digest + ": .rootfs.diff_ids: expected strings");
        img.diff_ids.push_back(d.get<std::string>());
    }
    if (img.diff_ids.size() != img.layers.size())
        throw Error("config " + cfg_digest + " lists " + std::to_string(img.diff_ids.size()) + " diff_ids for " +
                    std::to_string(img.layers.size()) + " layers");
    return img;
}

}  // namespace berth::unpack
