#include "berth/unpack/layer_reader.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include <cerrno>

#include "berth/util/error.hpp"

namespace berth::unpack {

namespace {

constexpr size_t buffer_size = 256 * 1024;

std::string archive_text(archive* a)
{
    const char* s = archive_error_string(a);
    return s ? s : "unknown libarchive error";
}

const char* compression_name(image::media_type::Compression c)
{
    switch (c) {
    case image::media_type::Compression::none: return "uncompressed";
    case image::media_type::Compression::gzip: return "gzip";
    case image::media_type::Compression::zstd: return "zstd";
    default: return "unknown";
    }
}

}  // namespace

LayerReader::LayerReader(int fd, image::media_type::Compression compression) : fd_(fd)
{
    using image::media_type::Compression;
    if (compression == Compression::unknown) throw Error("unsupported layer media type");
    in_buf_.resize(buffer_size);
    out_buf_.resize(buffer_size);
    outer_ = archive_read_new();
    inner_ = archive_read_new();
    if (!outer_ || !inner_) throw Error("libarchive: out of memory");
    archive_read_support_filter_gzip(outer_);
    archive_read_support_filter_zstd(outer_);
    archive_read_support_format_raw(outer_);
    if (archive_read_open(outer_, this, nullptr, &LayerReader::read_blob, nullptr) != ARCHIVE_OK)
        throw Error("read layer: " + archive_text(outer_));
    archive_entry* raw = nullptr;
    int r = archive_read_next_header(outer_, &raw);
    if (r == ARCHIVE_EOF) {
        drained_ = true;  // an empty blob: no tar at all
    } else if (r != ARCHIVE_OK) {
        throw Error("read layer: " + archive_text(outer_));
    }
    // The magic decides; a media type that says otherwise is refused, not guessed around.
    int code = archive_filter_code(outer_, 0);
    Compression found = code == ARCHIVE_FILTER_GZIP ? Compression::gzip
                        : code == ARCHIVE_FILTER_ZSTD ? Compression::zstd
                        : code == ARCHIVE_FILTER_NONE ? Compression::none
                                                      : Compression::unknown;
    if (found != compression)
        throw Error(std::string("layer media type says ") + compression_name(compression) + " but the data is " +
                    compression_name(found));
    archive_read_support_format_tar(inner_);
    if (archive_read_open(inner_, this, nullptr, &LayerReader::read_tar, nullptr) != ARCHIVE_OK)
        throw Error("read layer tar: " + archive_text(inner_));
}

LayerReader::~LayerReader()
{
    if (inner_) archive_read_free(inner_);
    if (outer_) archive_read_free(outer_);
}

long LayerReader::read_blob(archive* a, void* self, const void** buf)
{
    auto* r = static_cast<LayerReader*>(self);
    for (;;) {
        ssize_t n = ::read(r->fd_, r->in_buf_.data(), r->in_buf_.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            archive_set_error(a, errno, "read blob");
            return -1;
        }
        r->blob_hash_.update(r->in_buf_.data(), static_cast<size_t>(n));
        *buf = r->in_buf_.data();
        return n;
    }
}

long LayerReader::read_tar(archive* a, void* self, const void** buf)
{
    auto* r = static_cast<LayerReader*>(self);
    if (r->drained_) return 0;
    la_ssize_t n = archive_read_data(r->outer_, r->out_buf_.data(), r->out_buf_.size());
    if (n < 0) {
        archive_set_error(a, archive_errno(r->outer_), "%s", archive_text(r->outer_).c_str());
        return -1;
    }
    if (n == 0) r->drained_ = true;
    r->tar_hash_.update(r->out_buf_.data(), static_cast<size_t>(n));
    *buf = r->out_buf_.data();
    return n;
}

archive_entry* LayerReader::next()
{
    archive_entry* e = nullptr;
    int r = archive_read_next_header(inner_, &e);
    if (r == ARCHIVE_EOF) return nullptr;
    if (r == ARCHIVE_WARN) return e;  // e.g. a name not in the locale's charset: bytes kept
    if (r != ARCHIVE_OK) throw Error("read layer tar: " + archive_text(inner_));
    return e;
}

void LayerReader::copy_data(int fd)
{
    if (archive_read_data_into_fd(inner_, fd) != ARCHIVE_OK) throw Error("extract: " + archive_text(inner_));
}

void LayerReader::drain()
{
    // The tar reader stops at the end-of-archive blocks; the digests cover every byte.
    while (!drained_) {
        const void* buf;
        if (read_tar(inner_, this, &buf) < 0) throw Error("read layer: " + archive_text(outer_));
    }
    for (;;) {
        const void* buf;
        long n = read_blob(outer_, this, &buf);
        if (n < 0) throw_errno("read blob");
        if (n == 0) break;
    }
}

std::string LayerReader::blob_digest()
{
    drain();
    return blob_hash_.digest();
}

std::string LayerReader::diff_id()
{
    drain();
    return tar_hash_.digest();
}

}  // namespace berth::unpack
