// Id mappings for unpacking: the owner a layer records (a container id) to the owner written
// on disk (a host id), as the user namespace of the container will map it back.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace berth::unpack {

struct IdRange {
    uint32_t container = 0;
    uint32_t host = 0;
    uint32_t size = 0;
};

struct IdMap {
    std::vector<IdRange> ranges;  // empty: the identity
    // nullopt when the id lies in no range.
    std::optional<uint32_t> to_host(uint32_t id) const noexcept;
};

// "containerID:hostID:size", as umoci's --uid-map. Throws Error naming the flag.
IdRange parse_id_range(std::string_view text, std::string_view flag);

}  // namespace berth::unpack
