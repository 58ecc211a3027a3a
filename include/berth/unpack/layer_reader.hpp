// One layer blob read as a tar stream, in one pass: libarchive decompresses (gzip, zstd or
// none: the filter it detects by magic must be the one the media type names), the bytes on
// the way are hashed twice (the blob's digest, and the uncompressed tar's diff_id), and a
// second libarchive reader parses the tar from the decompressed stream.
#pragma once
#include <string>

#include "berth/image/digest.hpp"
#include "berth/image/media_types.hpp"

struct archive;
struct archive_entry;

namespace berth::unpack {

class LayerReader {
public:
    // fd: the blob, read from its start; not owned. Throws Error.
    LayerReader(int fd, image::media_type::Compression compression);
    LayerReader(const LayerReader&) = delete;
    LayerReader& operator=(const LayerReader&) = delete;
    ~LayerReader();

    // The next entry, nullptr at the end of the tar. Throws Error.
    archive_entry* next();
    // Writes the current entry's data to fd (sparse files as holes). Throws Error.
    void copy_data(int fd);
    // After next() returned nullptr: reads what follows the tar's end (padding), then returns
    // the digests of the whole blob and of the whole uncompressed stream.
    std::string blob_digest();
    std::string diff_id();

private:
    static long read_blob(archive*, void* self, const void** buf);
    static long read_tar(archive*, void* self, const void** buf);
    void drain();

    int fd_;
    archive* outer_ = nullptr;  // blob -> decompressed bytes (format "raw")
    archive* inner_ = nullptr;  // decompressed bytes -> tar entries
    image::Sha256 blob_hash_;
    image::Sha256 tar_hash_;
    std::string in_buf_;
    std::string out_buf_;
    bool drained_ = false;
};

}  // namespace berth::unpack
