#include "berth/unpack/id_map.hpp"

#include <charconv>
#include <string>

#include "berth/util/error.hpp"

namespace berth::unpack {

std::optional<uint32_t> IdMap::to_host(uint32_t id) const noexcept
{
    if (ranges.empty()) return id;
    for (const auto& r : ranges)
        if (id >= r.container && id - r.container < r.size) return r.host + (id - r.container);
    return std::nullopt;
}

IdRange parse_id_range(std::string_view text, std::string_view flag)
{
    uint32_t v[3] = {};
    std::string_view rest = text;
    for (int i = 0; i < 3; ++i) {
        size_t colon = rest.find(':');
        std::string_view part = i < 2 ? rest.substr(0, colon) : rest;
        auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), v[i]);
        if (part.empty() || ec != std::errc() || p != part.data() + part.size() || (i < 2 && colon == rest.npos))
            throw Error(std::string(flag) + " " + std::string(text) + ": expected containerID:hostID:size");
        if (i < 2) rest = rest.substr(colon + 1);
    }
    if (v[2] == 0) throw Error(std::string(flag) + " " + std::string(text) + ": size must be at least 1");
    if (uint64_t{v[0]} + v[2] - 1 > UINT32_MAX || uint64_t{v[1]} + v[2] - 1 > UINT32_MAX)
        throw Error(std::string(flag) + " " + std::string(text) + ": range exceeds 32-bit ids");
    return {v[0], v[1], v[2]};
}

}  // namespace berth::unpack
