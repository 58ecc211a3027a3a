#include "berth/image/platform.hpp"

#include <sys/utsname.h>

#include <algorithm>

#include "berth/util/error.hpp"

namespace berth::image {

std::string Platform::str() const
{
    std::string s = os + "/" + architecture;
    if (!variant.empty()) s += "/" + variant;
    return s;
}

Platform normalize_platform(Platform p)
{
    // Architecture names as uname, Debian and some registries spell them -> GOARCH.
    struct Alias {
        std::string_view name, arch, variant;
    };
    static constexpr Alias aliases[] = {
        {"x86_64", "amd64", ""}, {"x86-64", "amd64", ""}, {"aarch64", "arm64", ""},
        {"armhf", "arm", "v7"},  {"armel", "arm", "v6"},  {"armv7l", "arm", "v7"},
        {"armv7", "arm", "v7"},  {"armv6l", "arm", "v6"}, {"armv6", "arm", "v6"},
        {"armv5tel", "arm", "v5"}, {"i386", "386", ""},   {"i486", "386", ""},
        {"i586", "386", ""},     {"i686", "386", ""},     {"ppc64el", "ppc64le", ""},
    };
    for (const auto& a : aliases)
        if (p.architecture == a.name) {
            p.architecture = a.arch;
            if (p.variant.empty()) p.variant = a.variant;
            break;
        }
    if (p.architecture == "arm64" && (p.variant.empty() || p.variant == "8")) p.variant = "v8";
    if (p.architecture == "arm") {
        if (p.variant.empty()) p.variant = "v7";
        if (p.variant.size() == 1) p.variant = "v" + p.variant;  // "7" -> "v7"
    }
    return p;
}

Platform parse_platform(std::string_view s)
{
    Platform p;
    std::string_view rest = s;
    auto next = [&]() {
        auto slash = rest.find('/');
        std::string part(rest.substr(0, slash));
        rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
        return part;
    };
    bool has_variant = std::count(s.begin(), s.end(), '/') == 2;
    p.os = next();
    p.architecture = next();
    if (has_variant) p.variant = next();
    if (p.os.empty() || p.architecture.empty() || (has_variant && p.variant.empty()) || std::count(s.begin(), s.end(), '/') > 2)
        throw Error("invalid platform \"" + std::string(s) + "\": expected os/arch[/variant]");
    return normalize_platform(std::move(p));
}

Platform host_platform()
{
    struct utsname u;
    if (::uname(&u) < 0) throw_errno("uname");
    Platform p;
    p.os = "linux";
    p.architecture = u.machine;
    return normalize_platform(std::move(p));
}

Platform platform_from_json(const nlohmann::json& j)
{
    Platform p;
    if (!j.is_object()) return p;
    auto str = [&](const char* key) {
        auto it = j.find(key);
        return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
    };
    p.os = str("os");
    p.architecture = str("architecture");
    p.variant = str("variant");
    p.os_version = str("os.version");
    return p;
}

namespace {

// "v7" -> 7; 0 when not of that form.
int variant_number(const std::string& v)
{
    if (v.size() < 2 || v[0] != 'v') return 0;
    int n = 0;
    for (size_t i = 1; i < v.size(); ++i) {
        if (v[i] < '0' || v[i] > '9') return 0;
        n = n * 10 + (v[i] - '0');
    }
    return n;
}

}  // namespace

int platform_rank(const Platform& want_in, const Platform& have_in)
{
    Platform want = normalize_platform(want_in), have = normalize_platform(have_in);
    if (want.os != have.os || want.architecture != have.architecture) return -1;
    if (!want.os_version.empty() && want.os_version != have.os_version) return -1;
    if (want.variant == have.variant) return 0;
    int w = variant_number(want.variant), h = variant_number(have.variant);
    if (want.architecture == "arm") {
        // v7 hardware runs v6 and v5 code: later fallbacks rank lower.
        if (w > 0 && h > 0 && h < w) return w - h;
        return -1;
    }
    if (want.architecture == "amd64") {
        if (want.variant.empty()) return 1;  // any variant, after the plain one
        if (have.variant.empty()) h = 1;     // baseline x86-64 is v1
        if (w > 0 && h > 0 && h <= w) return w - h + 1;
        return -1;
    }
    return -1;
}

const nlohmann::json& select_manifest(const nlohmann::json& index, const Platform& want)
{
    auto it = index.find("manifests");
    if (it == index.end() || !it->is_array()) throw Error("the index has no \"manifests\" array");
    const nlohmann::json* best = nullptr;
    int best_rank = -1;
    std::string seen;
    for (const auto& d : *it) {
        if (!d.is_object() || !d.contains("platform")) continue;
        Platform have = platform_from_json(d["platform"]);
        // Attestations and other artifacts use "unknown/unknown".
        if (have.os == "unknown") continue;
        int r = platform_rank(want, have);
        if (r >= 0 && (!best || r < best_rank)) {
            best = &d;
            best_rank = r;
        }
        seen += (seen.empty() ? "" : ", ") + have.str();
    }
    if (!best)
        throw Error("no manifest for " + normalize_platform(want).str() + " in the index; it has " +
                    (seen.empty() ? std::string("no platform manifests") : seen));
    return *best;
}

}  // namespace berth::image
