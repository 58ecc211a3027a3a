// Platforms of image-spec's index ("os", "architecture", "variant", "os.version") and the choice
// of a manifest from an index for a wanted platform.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace berth::image {

struct Platform {
    std::string os;
    std::string architecture;  // GOARCH names: amd64, arm64, arm, 386, ppc64le, s390x, riscv64, ...
    std::string variant;       // v8 (arm64), v7/v6/v5 (arm), v2/v3 (amd64), or empty
    std::string os_version;    // Windows images only; empty otherwise
    // "os/arch" or "os/arch/variant".
    std::string str() const;
    bool operator==(const Platform&) const = default;
};

// "os/arch[/variant]", e.g. "linux/arm64", "linux/arm/v7". Architecture aliases are
// normalised (x86_64 -> amd64, aarch64 -> arm64, armhf -> arm/v7, ...). Throws Error.
Platform parse_platform(std::string_view s);
// Canonical spelling: GOARCH names, arm64's variant "v8", arm's default variant "v7".
Platform normalize_platform(Platform p);
// The platform of this process's host (uname), normalised.
Platform host_platform();
// The "platform" object of a descriptor; a missing object gives an empty Platform.
Platform platform_from_json(const nlohmann::json& platform);

// How well an image for `have` runs on `want`: -1 when it does not, else a rank where lower is
// better (0 = exact). Both are normalised first. Rules: os and architecture must match;
// arm64's empty variant equals v8; arm accepts older variants (v7 wants v7, then v6, then v5);
// amd64 ignores the variant unless `want` names one (then have's must not be newer, e.g. v3
// runs v2 and v1 images, and an image without variant counts as v1); os_version only counts
// when `want` names one.
int platform_rank(const Platform& want, const Platform& have);
inline bool platform_matches(const Platform& want, const Platform& have)
{
    return platform_rank(want, have) >= 0;
}

// The descriptor in index["manifests"] whose platform ranks best for `want` (the first of
// equals). Descriptors without a platform are skipped. Throws Error
// "no manifest for linux/s390x in the index; it has linux/amd64, linux/arm64/v8".
const nlohmann::json& select_manifest(const nlohmann::json& index, const Platform& want);

}  // namespace berth::image
