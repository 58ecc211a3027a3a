#include "berth/unpack/entry_path.hpp"

#include <vector>

namespace berth::unpack {

namespace {
constexpr std::string_view wh_prefix = ".wh.";
constexpr std::string_view opaque_name = ".wh..wh..opq";
}  // namespace

std::optional<std::string> clean_entry_path(std::string_view name)
{
    std::vector<std::string_view> parts;
    size_t i = 0;
    while (i < name.size()) {
        size_t j = name.find('/', i);
        if (j == std::string_view::npos) j = name.size();
        std::string_view part = name.substr(i, j - i);
        if (part == "..") {
            if (parts.empty()) return std::nullopt;
            parts.pop_back();
        } else if (!part.empty() && part != ".") {
            parts.push_back(part);
        }
        i = j + 1;
    }
    std::string out;
    for (auto p : parts) {
        if (!out.empty()) out += '/';
        out.append(p);
    }
    return out;
}

std::pair<std::string_view, std::string_view> split_parent(std::string_view clean)
{
    size_t slash = clean.rfind('/');
    if (slash == std::string_view::npos) return {std::string_view{}, clean};
    return {clean.substr(0, slash), clean.substr(slash + 1)};
}

bool is_whiteout_name(std::string_view clean)
{
    return split_parent(clean).second.starts_with(wh_prefix);
}

WhiteoutMark whiteout_of(std::string_view clean)
{
    auto [dir, base] = split_parent(clean);
    if (!base.starts_with(wh_prefix)) return {};
    if (base == opaque_name) return {Whiteout::opaque, std::string(dir)};
    std::string_view hidden = base.substr(wh_prefix.size());
    if (hidden.empty() || hidden.starts_with(wh_prefix) || hidden == "." || hidden == "..") return {};
    std::string target(dir);
    if (!target.empty()) target += '/';
    target.append(hidden);
    return {Whiteout::entry, std::move(target)};
}

}  // namespace berth::unpack
