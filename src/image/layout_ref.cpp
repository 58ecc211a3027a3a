#include "berth/image/digest.hpp"
#include "berth/image/layout.hpp"
#include "berth/util/error.hpp"

namespace berth::image {

bool is_valid_tag(std::string_view tag) noexcept
{
    // distribution-spec's tag grammar: [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}
    if (tag.empty() || tag.size() > 128) return false;
    for (size_t i = 0; i < tag.size(); ++i) {
        char c = tag[i];
        bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        if (!word && (i == 0 || (c != '.' && c != '-'))) return false;
    }
    return true;
}

LayoutRef parse_layout_ref(std::string_view s)
{
    LayoutRef r;
    auto at = s.rfind('@');
    auto colon = s.rfind(':');
    std::string_view after_at = at == std::string_view::npos ? std::string_view{} : s.substr(at + 1);
    if (after_at.starts_with("sha256:") || after_at.starts_with("sha512:")) {
        r.dir = s.substr(0, at);
        r.digest = parse_digest(after_at).str();
    } else if (colon != std::string_view::npos && colon + 1 == s.size()) {
        r.dir = s.substr(0, colon);  // "DIR:": no tag, DIR may itself hold a ':'
    } else if (colon != std::string_view::npos && is_valid_tag(s.substr(colon + 1))) {
        r.dir = s.substr(0, colon);
        r.tag = s.substr(colon + 1);
    } else {
        r.dir = s;
    }
    if (r.dir.empty()) throw Error("invalid image layout reference \"" + std::string(s) + "\": no directory");
    return r;
}

}  // namespace berth::image
