#include "berth/pull/pull.hpp"

#include <atomic>
#include <exception>
#include <optional>
#include <set>
#include <thread>

#include "berth/image/media_types.hpp"
#include "berth/util/error.hpp"

namespace berth::pull {

namespace mt = image::media_type;
using nlohmann::json;

namespace {

struct Blob {
    std::string digest;
    int64_t size;
};

Blob checked_descriptor(const json& d, const std::string& where)
{
    if (!d.is_object() || !d.contains("digest") || !d["digest"].is_string() || !d.contains("size") ||
        !d["size"].is_number_integer() || d["size"].get<int64_t>() < 0)
        throw Error(where + ": a descriptor without a valid digest and size");
    std::string digest = d["digest"].get<std::string>();
    with_context(where, [&] { (void)image::parse_digest(digest); });
    return {digest, d["size"].get<int64_t>()};
}

// The config and layers of an image manifest.
std::vector<Blob> blobs_of(const FetchedManifest& m)
{
    std::string where = "manifest " + m.digest;
    auto j = json::parse(m.body, nullptr, false);
    std::vector<Blob> out;
    if (!j.is_object() || !j.contains("config")) throw Error(where + ": no config");
    out.push_back(checked_descriptor(j["config"], where));
    if (!j.contains("layers") || !j["layers"].is_array()) throw Error(where + ": no layers array");
    for (const auto& l : j["layers"]) out.push_back(checked_descriptor(l, where));
    return out;
}

json descriptor_for(const FetchedManifest& m)
{
    return {{"mediaType", m.media_type}, {"digest", m.digest}, {"size", m.body.size()}};
}

class Puller {
public:
    Puller(const PullOptions& o, Progress& p)
        : options_(o), progress_(p), registry_(o.source, o.registry), layout_(image::Layout::open_or_create(o.dest.dir))
    {
    }

    PullResult run()
    {
        HttpClient http(options_.registry.transport);
        registry_.ping(http);
        FetchedManifest top = registry_.get_manifest(http, options_.source.manifest_ref());
        json entry = descriptor_for(top);
        std::vector<std::pair<FetchedManifest, int64_t>> manifests;  // stored after their blobs
        if (mt::is_index(top.media_type)) {
            json index = json::parse(top.body);
            if (!index.contains("manifests") || !index["manifests"].is_array()) throw Error("index " + top.digest + ": no manifests array");
            std::vector<json> children;
            if (options_.all_platforms) {
                for (const auto& d : index["manifests"]) children.push_back(d);
            } else {
                const json& d = with_context(options_.source.str(), [&]() -> const json& { return image::select_manifest(index, options_.platform); });
                children.push_back(d);
                entry = d;  // the platform's manifest becomes the tagged entry, as skopeo does
                entry.erase("annotations");
            }
            for (const auto& d : children) {
                Blob b = checked_descriptor(d, "index " + top.digest);
                FetchedManifest child = registry_.get_manifest(http, b.digest);
                if (!mt::is_manifest(child.media_type))
                    throw Error("index " + top.digest + ": " + b.digest + " is a " + child.media_type + ", not an image manifest");
                if (!options_.all_platforms) progress_.message("Platform " + image::platform_from_json(d.value("platform", json::object())).str() + ": manifest " + short_digest(b.digest));
                add_blobs(blobs_of(child));
                manifests.emplace_back(std::move(child), b.size);
            }
            if (options_.all_platforms) manifests.emplace_back(top, static_cast<int64_t>(top.body.size()));
        } else {
            add_blobs(blobs_of(top));
            manifests.emplace_back(top, static_cast<int64_t>(top.body.size()));
        }
        download_all();
        if (!mt::is_index(top.media_type)) warn_if_other_platform(top);
        for (const auto& [m, size] : manifests) {
            if (layout_.has_blob(m.digest, size)) continue;
            auto w = layout_.blob_writer(m.digest, size);
            w.write(m.body.data(), m.body.size());
            with_context("manifest", [&] { w.commit(); });
        }
        PullResult result;
        result.tag = options_.dest.tag.empty() ? options_.source.tag : options_.dest.tag;
        layout_.add_to_index(entry, result.tag);
        layout_.tidy();
        result.descriptor = entry;
        result.fetched_bytes = fetched_.load();
        return result;
    }

private:
    // A single-platform image has no index to choose from: it is kept whatever its platform,
    // as docker and skopeo do, but a mismatch with --platform (or the host) is worth a word.
    void warn_if_other_platform(const FetchedManifest& m)
    {
        auto manifest = json::parse(m.body);
        std::string config_digest = manifest["config"].value("digest", "");
        auto config = json::parse(layout_.read_verified_blob(config_digest), nullptr, false);
        if (!config.is_object() || !config.contains("architecture")) return;
        image::Platform have = image::platform_from_json(config);
        if (!image::platform_matches(options_.platform, have))
            progress_.message("Warning: the image is for " + image::normalize_platform(have).str() + ", not " +
                              image::normalize_platform(options_.platform).str());
    }

    void add_blobs(const std::vector<Blob>& blobs)
    {
        for (const auto& b : blobs)
            if (seen_.insert(b.digest).second) blobs_.push_back(b);
    }

    void download_all()
    {
        uint64_t total = 0;
        std::vector<Blob> missing;
        for (const auto& b : blobs_) {
            if (layout_.has_blob(b.digest, b.size)) {
                progress_.blob_present(b.digest, b.size);
                continue;
            }
            missing.push_back(b);
            total += static_cast<uint64_t>(b.size);
        }
        progress_.set_total(total);
        std::atomic<size_t> next{0};
        std::atomic<bool> failed{false};
        std::mutex error_mutex;
        std::exception_ptr error;
        auto worker = [&] {
            try {
                HttpClient http(options_.registry.transport);
                for (size_t i; !failed && (i = next++) < missing.size();) fetch(http, missing[i], failed);
            } catch (...) {
                std::lock_guard lock(error_mutex);
                if (!error) error = std::current_exception();
                failed = true;
            }
        };
        size_t n = std::min<size_t>(std::max(options_.jobs, 1u), missing.size());
        std::vector<std::thread> threads;
        for (size_t i = 1; i < n; ++i) threads.emplace_back(worker);
        if (n > 0) worker();  // this thread is one of the workers
        for (auto& t : threads) t.join();
        if (error) std::rethrow_exception(error);
    }

    void fetch(HttpClient& http, const Blob& b, const std::atomic<bool>& failed)
    {
        std::optional<image::BlobWriter> w;
        w.emplace(layout_.blob_writer(b.digest, b.size, true));
        if (b.size >= 0 && w->offset() == static_cast<uint64_t>(b.size)) {
            // An earlier run got every byte but stopped before the rename.
            try {
                w->commit();
                progress_.blob_done(b.digest);
                return;
            } catch (const Error&) {
                w.reset();
                w.emplace(layout_.blob_writer(b.digest, b.size, true));
            }
        }
        uint64_t start = w->offset();
        progress_.blob_start(b.digest, b.size, start);
        with_context("blob " + b.digest, [&] {
            registry_.get_blob(http, b.digest, *w, [&](uint64_t done) {
                // Another download failed: stop this one (what arrived stays for the next run).
                if (failed) throw Error("cancelled");
                progress_.blob_bytes(b.digest, done);
            });
        });
        fetched_ += w->offset() - std::min(start, w->offset());
        w->commit();
        progress_.blob_done(b.digest);
    }

    const PullOptions& options_;
    Progress& progress_;
    RegistryClient registry_;
    image::Layout layout_;
    std::set<std::string> seen_;
    std::vector<Blob> blobs_;
    std::atomic<uint64_t> fetched_{0};
};

}  // namespace

PullResult pull_image(const PullOptions& options, Progress& progress)
{
    return Puller(options, progress).run();
}

}  // namespace berth::pull
