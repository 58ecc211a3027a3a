// An OCI image layout directory (image-spec's image-layout.md): the "oci-layout" file,
// index.json and blobs/<algorithm>/<hex>.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "berth/image/digest.hpp"
#include "berth/util/fd.hpp"

namespace berth::image {

inline constexpr std::string_view ref_name_annotation = "org.opencontainers.image.ref.name";

// "DIR", "DIR:TAG" or "DIR@DIGEST" as given on a command line.
struct LayoutRef {
    std::string dir;
    std::string tag;     // empty when none
    std::string digest;  // empty when none
};
// Rule: an '@' followed by a valid digest up to the end splits off the digest. Otherwise the
// last ':' splits off a tag when what follows is a valid tag (letters, digits, '_', '.', '-',
// at most 128, not starting with '.' or '-'; so never a '/'). A directory whose own name
// ends in such a ":word" is written with a trailing ':' (an empty tag means none):
// "a:b" is dir "a" tag "b"; "a:b:" is dir "a:b"; "/x:y/z" is dir "/x:y/z". Throws Error
// on an empty DIR.
LayoutRef parse_layout_ref(std::string_view s);
bool is_valid_tag(std::string_view tag) noexcept;

class BlobWriter;

class Layout {
public:
    // An existing layout: the directory must hold an "oci-layout" file of version 1.x.
    static Layout open(const std::string& dir);
    // Creates the directory (and parents), "oci-layout", an empty index.json and blobs/sha256
    // when missing; an existing layout is opened as it is. An existing directory that is
    // neither empty nor a layout is refused.
    static Layout open_or_create(const std::string& dir);

    const std::string& dir() const noexcept { return dir_; }
    int dir_fd() const noexcept { return dirfd_.get(); }

    // dir/blobs/<alg>/<hex>; throws on an invalid digest.
    std::string blob_path(std::string_view digest) const;
    // Whether the blob is a regular file there, of `size` bytes when size >= 0. The content is
    // not hashed: blobs only get there through BlobWriter, which verified it.
    bool has_blob(std::string_view digest, int64_t size = -1) const;
    // The blob's bytes, refused when larger than max_size. Throws Error.
    std::string read_blob(std::string_view digest, size_t max_size = 16u << 20) const;
    // read_blob, then checks the content against the digest (for manifests and configs).
    std::string read_verified_blob(std::string_view digest, size_t max_size = 16u << 20) const;
    // Stores a small blob (a manifest, a config) and returns its digest.
    std::string write_blob(std::string_view data) const;

    // index.json parsed; throws when missing or not an index.
    nlohmann::json read_index() const;
    // The descriptor in index.json whose ref.name annotation is `tag` (the last one if several).
    std::optional<nlohmann::json> find_by_tag(std::string_view tag) const;
    // The first descriptor in index.json with this digest.
    std::optional<nlohmann::json> find_by_digest(std::string_view digest) const;
    // Replaces index.json atomically (temp file, fsync, rename).
    void write_index(const nlohmann::json& index) const;
    // Read-modify-write of index.json under an flock of the layout directory: with a tag, the
    // entries carrying that tag are replaced by `descriptor` annotated with it; without, the
    // descriptor is added unless an untagged entry with its digest exists. Others are kept.
    void add_to_index(nlohmann::json descriptor, std::string_view tag) const;

    // A writer for the blob `digest` of `size` bytes (-1: unknown). With `resumable`, the
    // temporary file has a fixed name (dir/.berth-partial/<alg>-<hex>) and what an earlier,
    // interrupted writer left there is kept: BlobWriter::offset() tells how much.
    BlobWriter blob_writer(std::string_view digest, int64_t size, bool resumable = false) const;
    // Removes dir/.berth-partial when it is empty.
    void tidy() const;

private:
    Layout(std::string dir, Fd dirfd) : dir_(std::move(dir)), dirfd_(std::move(dirfd)) {}
    std::string dir_;
    Fd dirfd_;
};

// Writes a blob to a temporary file inside the layout, hashing as it goes; commit() checks
// digest and size, fsyncs and renames it into blobs/. A writer destroyed without commit()
// removes its file, except a resumable one, which stays for the next attempt. A digest or size
// mismatch always removes it.
class BlobWriter {
public:
    BlobWriter(BlobWriter&&) noexcept;
    BlobWriter& operator=(BlobWriter&&) = delete;
    BlobWriter(const BlobWriter&) = delete;
    ~BlobWriter();

    // Bytes already written (a resumed file's existing length, hashed already).
    uint64_t offset() const noexcept { return written_; }
    // Throws away what was written: for a server that ignored a Range request.
    void restart();
    // Throws Error when more than the expected size arrives.
    void write(const void* data, size_t len);
    // Verifies and moves the blob into place; throws Error on a mismatch (the file is gone
    // then). Returns the blob's path.
    std::string commit();
    // Removes the temporary file now.
    void discard() noexcept;

private:
    friend class Layout;
    BlobWriter(const Layout& layout, Digest digest, int64_t size, bool resumable);
    int layout_fd_;
    std::string layout_dir_;
    Digest digest_;
    int64_t size_;
    bool resumable_;
    std::string tmp_name_;  // relative to the layout directory
    Fd fd_;
    Hasher hash_;
    uint64_t written_ = 0;
    bool done_ = false;
};

}  // namespace berth::image
