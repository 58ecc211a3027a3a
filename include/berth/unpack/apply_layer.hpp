// One layer's entries applied to a rootfs, in tar order, with image-spec's changeset rules.
#pragma once
#include <string>

#include "berth/unpack/layer_reader.hpp"
#include "berth/unpack/rootfs_writer.hpp"

namespace berth::unpack {

struct LayerStats {
    uint64_t entries = 0;
    uint64_t bytes = 0;  // regular-file data
};

// Applies every entry; an entry that would leave the rootfs, a malformed whiteout or an
// unsupported entry type is an Error naming the entry. Sockets are skipped with a warning.
// progress, when set, gets the running stats after each regular file.
LayerStats apply_layer(LayerReader& reader, RootfsWriter& writer, const std::function<void(std::string_view)>& warn,
                       const std::function<void(const LayerStats&)>& progress = {});

}  // namespace berth::unpack
