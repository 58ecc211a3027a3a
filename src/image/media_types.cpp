#include "berth/image/media_types.hpp"

namespace berth::image::media_type {

Compression layer_compression(std::string_view mt)
{
    auto ends = [&](std::string_view suffix) { return mt.size() >= suffix.size() && mt.substr(mt.size() - suffix.size()) == suffix; };
    if (ends("+gzip") || ends(".tar.gzip")) return Compression::gzip;
    if (ends("+zstd") || ends(".tar.zstd")) return Compression::zstd;
    if (ends(".tar")) return Compression::none;
    return Compression::unknown;
}

}  // namespace berth::image::media_type
