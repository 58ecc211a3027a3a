#include "berth/image/layout.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "berth/image/media_types.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"
#include "layout_fs.hpp"

namespace berth::image {

using namespace layout_fs;

namespace {

std::string blob_rel(const Digest& d) { return "blobs/" + d.algorithm + "/" + d.hex; }

nlohmann::json empty_index()
{
    return {{"schemaVersion", 2}, {"mediaType", media_type::oci_index}, {"manifests", nlohmann::json::array()}};
}

// Writes dirfd/name through a uniquely named temporary file, fsynced before the rename so
// that a crash leaves the old or the new content, never a torn file.
void replace_file(int dirfd, const std::string& name, std::string_view data)
{
    std::string tmp = "." + name + "." + random_suffix() + ".tmp";
    Fd fd(::openat(dirfd, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644));
    if (!fd) throw_errno("create " + tmp);
    if (!write_all(fd.get(), data.data(), data.size()) || ::fsync(fd.get()) < 0) {
        int err = errno;
        ::unlinkat(dirfd, tmp.c_str(), 0);
        throw_errno(err, "write " + tmp);
    }
    if (::renameat(dirfd, tmp.c_str(), dirfd, name.c_str()) < 0) {
        int err = errno;
        ::unlinkat(dirfd, tmp.c_str(), 0);
        throw_errno(err, "rename " + tmp + " to " + name);
    }
    fsync_dir(dirfd, ".");
}

bool exists_at(int dirfd, const char* name)
{
    struct stat st;
    if (::fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) return true;
    if (errno != ENOENT) throw_errno(std::string("stat ") + name);
    return false;
}

void check_layout_file(const std::string& dir)
{
    std::string text = read_regular_file(path_join(dir, "oci-layout"), 64 * 1024);
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object() || !j.contains("imageLayoutVersion") || !j["imageLayoutVersion"].is_string())
        throw Error("oci-layout: not an image layout marker");
    auto v = j["imageLayoutVersion"].get<std::string>();
    if (!v.starts_with("1.")) throw Error("oci-layout: unsupported imageLayoutVersion \"" + v + "\"");
}

std::string ref_name(const nlohmann::json& d)
{
    auto a = d.find("annotations");
    if (a == d.end() || !a->is_object()) return {};
    auto n = a->find(ref_name_annotation);
    return n != a->end() && n->is_string() ? n->get<std::string>() : std::string{};
}

}  // namespace

Layout Layout::open(const std::string& dir)
{
    return with_context("image layout " + dir, [&] {
        Fd fd = open_or_throw(dir, O_RDONLY | O_DIRECTORY);
        check_layout_file(dir);
        return Layout(dir, std::move(fd));
    });
}

Layout Layout::open_or_create(const std::string& dir)
{
    return with_context("image layout " + dir, [&] {
        mkdir_p(dir, 0755);
        Fd fd = open_or_throw(dir, O_RDONLY | O_DIRECTORY);
        if (!exists_at(fd.get(), "oci-layout")) {
            // A directory with other things in it is someone's, not a layout to fill.
            if (auto entries = read_dir(fd.get(), "."); entries && !entries->empty())
                throw Error("not an OCI image layout (no oci-layout file) and not empty");
            replace_file(fd.get(), "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
        }
        check_layout_file(dir);
        if (!exists_at(fd.get(), "index.json")) replace_file(fd.get(), "index.json", empty_index().dump());
        mkdirat_p(fd.get(), "blobs/sha256");
        return Layout(dir, std::move(fd));
    });
}

std::string Layout::blob_path(std::string_view digest) const { return path_join(dir_, blob_rel(parse_digest(digest))); }

bool Layout::has_blob(std::string_view digest, int64_t size) const
{
    struct stat st;
    std::string rel = blob_rel(parse_digest(digest));
    if (::fstatat(dirfd_.get(), rel.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
        if (errno == ENOENT) return false;
        throw_errno("stat " + path_join(dir_, rel));
    }
    return S_ISREG(st.st_mode) && (size < 0 || st.st_size == size);
}

std::string Layout::read_blob(std::string_view digest, size_t max_size) const
{
    return read_regular_file(blob_path(digest), max_size);
}

std::string Layout::read_verified_blob(std::string_view digest, size_t max_size) const
{
    Digest d = parse_digest(digest);
    std::string data = read_blob(digest, max_size);
    Hasher h(d.algorithm);
    h.update(data);
    if (h.hex() != d.hex) throw Error("blob " + d.str() + " in " + dir_ + " does not match its digest (" + h.digest() + ")");
    return data;
}

std::string Layout::write_blob(std::string_view data) const
{
    std::string digest = sha256_digest(data);
    if (has_blob(digest, static_cast<int64_t>(data.size()))) return digest;
    BlobWriter w = blob_writer(digest, static_cast<int64_t>(data.size()));
    w.write(data.data(), data.size());
    w.commit();
    return digest;
}

nlohmann::json Layout::read_index() const
{
    std::string path = path_join(dir_, "index.json");
    auto j = nlohmann::json::parse(read_regular_file(path, 64u << 20), nullptr, false);
    if (!j.is_object() || !j.contains("manifests") || !j["manifests"].is_array())
        throw Error(path + ": not an image index");
    return j;
}

std::optional<nlohmann::json> Layout::find_by_tag(std::string_view tag) const
{
    std::optional<nlohmann::json> found;
    nlohmann::json index = read_index();  // not in the range-for: it would die before the loop
    for (const auto& d : index["manifests"])
        if (d.is_object() && ref_name(d) == tag) found = d;
    return found;
}

std::optional<nlohmann::json> Layout::find_by_digest(std::string_view digest) const
{
    nlohmann::json index = read_index();
    for (const auto& d : index["manifests"])
        if (d.is_object() && d.value("digest", "") == digest) return d;
    return std::nullopt;
}

void Layout::write_index(const nlohmann::json& index) const { replace_file(dirfd_.get(), "index.json", index.dump()); }

void Layout::add_to_index(nlohmann::json descriptor, std::string_view tag) const
{
    // The layout directory's lock serialises concurrent pulls into the same layout.
    if (::flock(dirfd_.get(), LOCK_EX) < 0) throw_errno("lock " + dir_);
    struct Unlock {
        int fd;
        ~Unlock() { ::flock(fd, LOCK_UN); }
    } unlock{dirfd_.get()};
    nlohmann::json index = exists_at(dirfd_.get(), "index.json") ? read_index() : empty_index();
    auto& list = index["manifests"];
    nlohmann::json kept = nlohmann::json::array();
    std::string digest = descriptor.value("digest", "");
    bool present = false;
    for (auto& d : list) {
        std::string name = d.is_object() ? ref_name(d) : std::string{};
        if (!tag.empty() && name == tag) continue;
        if (tag.empty() && name.empty() && d.is_object() && d.value("digest", "") == digest) present = true;
        kept.push_back(std::move(d));
    }
    if (!tag.empty()) descriptor["annotations"][std::string(ref_name_annotation)] = tag;
    if (!present) kept.push_back(std::move(descriptor));
    list = std::move(kept);
    write_index(index);
}

void Layout::tidy() const { ::unlinkat(dirfd_.get(), partial_dir, AT_REMOVEDIR); }

}  // namespace berth::image
