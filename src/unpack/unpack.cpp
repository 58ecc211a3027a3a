#include "berth/unpack/unpack.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "berth/image/layout.hpp"
#include "berth/image/media_types.hpp"
#include "berth/linux/in_root.hpp"
#include "berth/spec/defaults.hpp"
#include "berth/unpack/apply_layer.hpp"
#include "berth/unpack/image_source.hpp"
#include "berth/unpack/layer_reader.hpp"
#include "berth/unpack/rootfs_writer.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"

namespace berth::unpack {

namespace {

using nlohmann::json;

// /etc/passwd and /etc/group are read through the rootfs-confined API too: in a hostile
// image they are symlinks to the host's.
constexpr size_t max_account_file = 4u << 20;

std::optional<std::string> read_in_rootfs(int rootfd, const char* path)
{
    if (rootfd < 0) return std::nullopt;
    Fd fd(os::open_in_root(rootfd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY));
    if (!fd) {
        if (errno == ENOENT) return std::nullopt;
        throw_errno(std::string("open /") + path + " in the rootfs");
    }
    struct stat st;
    if (::fstat(fd.get(), &st) < 0) throw_errno(std::string("stat /") + path);
    if (!S_ISREG(st.st_mode) || static_cast<uint64_t>(st.st_size) > max_account_file)
        throw Error(std::string("/") + path + " in the rootfs is not a regular file of at most 4 MiB");
    return read_fd(fd.get());
}

// What this call made in the bundle, removed again unless the unpack completes.
class BundleGuard {
public:
    explicit BundleGuard(std::string bundle) : bundle_(std::move(bundle)) {}
    BundleGuard(const BundleGuard&) = delete;
    BundleGuard& operator=(const BundleGuard&) = delete;
    ~BundleGuard()
    {
        if (done_) return;
        try {
            if (made_rootfs_) remove_tree(path_join(bundle_, "rootfs"));
            if (made_config_) ::unlink(path_join(bundle_, spec::config_file_name).c_str());
            if (made_bundle_) ::rmdir(bundle_.c_str());
        } catch (const Error&) {
            // Best effort; the error being reported is the one that matters.
        }
    }
    void made_bundle() { made_bundle_ = true; }
    void made_rootfs() { made_rootfs_ = true; }
    void made_config() { made_config_ = true; }
    void commit() { done_ = true; }

private:
    std::string bundle_;
    bool made_bundle_ = false, made_rootfs_ = false, made_config_ = false, done_ = false;
};

void prepare_bundle(const UnpackOptions& o, BundleGuard& guard)
{
    const std::string rootfs = path_join(o.bundle, "rootfs");
    const std::string config = path_join(o.bundle, spec::config_file_name);
    auto entries = read_dir(AT_FDCWD, o.bundle);
    if (!entries) {
        if (::mkdir(o.bundle.c_str(), 0755) < 0) throw_errno("mkdir " + o.bundle);
        guard.made_bundle();
    } else if (!entries->empty()) {
        bool only_rootfs = entries->size() == 1 && (*entries)[0].name == "rootfs";
        bool allowed = o.force || (o.config_only && only_rootfs);
        if (!allowed)
            throw Error("bundle " + o.bundle + " is not empty; --force replaces its rootfs and config.json");
        if (!o.config_only) remove_tree(rootfs);
        if (::unlink(config.c_str()) < 0 && errno != ENOENT) throw_errno("remove " + config);
    }
    if (o.config_only) return;
    if (::mkdir(rootfs.c_str(), 0755) < 0) throw_errno("mkdir " + rootfs);
    guard.made_rootfs();
}

std::string short_digest(const std::string& d)
{
    size_t colon = d.find(':');
    return colon == std::string::npos ? d : d.substr(0, std::min(d.size(), colon + 13));
}

void print_progress(size_t i, size_t n, const std::string& digest, uint64_t bytes, bool last)
{
    std::fprintf(stderr, "\r\033[Klayer %zu/%zu %s  %.1f MB%s", i + 1, n, short_digest(digest).c_str(),
                 static_cast<double>(bytes) / 1e6, last ? "\n" : "");
}

LayerStats unpack_layer(const image::Layout& layout, const json& desc, const std::string& diff_id, size_t i,
                        size_t n, RootfsWriter& writer, const UnpackOptions& o)
{
    std::string digest = desc.value("digest", std::string());
    std::string type = desc.value("mediaType", std::string());
    auto compression = image::media_type::layer_compression(type);
    if (compression == image::media_type::Compression::unknown)
        throw Error("media type " + (type.empty() ? std::string("(none)") : type) + " is not a layer berth-unpack reads");
    Fd fd = open_or_throw(layout.blob_path(digest), O_RDONLY);
    struct stat st;
    if (::fstat(fd.get(), &st) < 0) throw_errno("stat blob");
    if (auto size = desc.find("size"); size != desc.end() && size->is_number_integer() &&
                                       size->get<int64_t>() != static_cast<int64_t>(st.st_size))
        throw Error("blob is " + std::to_string(st.st_size) + " bytes, the manifest says " +
                    std::to_string(size->get<int64_t>()));
    LayerReader reader(fd.get(), compression);
    uint64_t shown = 0;
    std::function<void(const LayerStats&)> progress;
    if (o.progress)
        progress = [&](const LayerStats& s) {
            if (s.bytes - shown < (1u << 20)) return;
            shown = s.bytes;
            print_progress(i, n, digest, s.bytes, false);
        };
    LayerStats stats = apply_layer(reader, writer, o.warn, progress);
    if (o.progress) print_progress(i, n, digest, stats.bytes, true);
    if (auto got = reader.blob_digest(); got != digest) throw Error("content does not match its digest (it hashes to " + got + ")");
    if (auto got = reader.diff_id(); got != diff_id)
        throw Error("uncompressed content hashes to " + got + ", the image config's diff_id is " + diff_id);
    return stats;
}

}  // namespace

UnpackResult unpack_image(const UnpackOptions& o)
{
    image::LayoutRef ref = image::parse_layout_ref(o.layout_ref);
    image::Layout layout = image::Layout::open(ref.dir);
    ImageToUnpack img = find_image(layout, ref, o.platform, o.warn);
    if (!o.convert.uid_map.ranges.empty() != !o.convert.gid_map.ranges.empty())
        throw Error("--uid-map and --gid-map go together");

    BundleGuard guard(o.bundle);
    prepare_bundle(o, guard);
    const std::string rootfs = path_join(o.bundle, "rootfs");
    UnpackResult result;
    result.manifest_digest = img.manifest_digest;
    Fd rootfd;
    if (!o.config_only) {
        rootfd = open_or_throw(rootfs, O_RDONLY | O_DIRECTORY);
        WriterOptions wo;
        wo.chown = !o.convert.rootless;
        wo.make_devices = !o.convert.rootless;
        wo.uid_map = o.convert.uid_map;
        wo.gid_map = o.convert.gid_map;
        wo.warn = o.warn;
        RootfsWriter writer(rootfd.get(), wo);
        for (size_t i = 0; i < img.layers.size(); ++i) {
            const json& desc = img.layers[i];
            std::string label = "layer ";
            label.append(desc.value("digest", std::to_string(i + 1)));
            LayerStats s = with_context(label, [&] {
                return unpack_layer(layout, desc, img.diff_ids[i], i, img.layers.size(), writer, o);
            });
            result.entries += s.entries;
            result.bytes += s.bytes;
        }
        result.layers = img.layers.size();
    } else if (path_exists(rootfs)) {
        rootfd = open_or_throw(rootfs, O_RDONLY | O_DIRECTORY);
    }

    const std::string source = "image config " + img.manifest.value("config", json::object()).value("digest", std::string());
    ImageProcess ip = image_process(img.config, source);
    ResolvedUser user = with_context("image config User", [&] {
        return resolve_user(ip.user, read_in_rootfs(rootfd.get(), "etc/passwd"), read_in_rootfs(rootfd.get(), "etc/group"));
    });
    nlohmann::ordered_json spec = runtime_config(img.config, source, user, o.convert, o.warn);
    std::string text = spec.dump(2) + "\n";
    guard.made_config();
    write_file_atomic(path_join(o.bundle, spec::config_file_name), text, 0644);
    guard.commit();
    return result;
}

}  // namespace berth::unpack
