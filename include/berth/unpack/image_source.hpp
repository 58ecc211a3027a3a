// The image to unpack, found in an OCI image layout: the manifest a tag, a digest or the
// layout's only entry names, an index resolved to one platform, its config and layers.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "berth/image/layout.hpp"
#include "berth/image/platform.hpp"

namespace berth::unpack {

struct ImageToUnpack {
    std::string manifest_digest;
    nlohmann::json manifest;
    nlohmann::json config;
    std::vector<nlohmann::json> layers;  // descriptors, lowest first
    std::vector<std::string> diff_ids;   // the config's rootfs.diff_ids, one per layer
};

// want: --platform; nullopt means this host's, and then a lone manifest for another platform
// is unpacked with a warning rather than refused. Throws Error.
ImageToUnpack find_image(const image::Layout& layout, const image::LayoutRef& ref,
                         const std::optional<image::Platform>& want,
                         const std::function<void(std::string_view)>& warn);

}  // namespace berth::unpack
