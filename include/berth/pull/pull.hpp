// The whole pull: manifest (or index, then the platform's manifest), blobs in parallel, then
// the manifests and index.json, so that whatever index.json names is complete in the layout.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "berth/image/layout.hpp"
#include "berth/image/platform.hpp"
#include "berth/pull/progress.hpp"
#include "berth/pull/reference.hpp"
#include "berth/pull/registry.hpp"

namespace berth::pull {

struct PullOptions {
    Reference source;
    image::LayoutRef dest;      // dest.tag empty: the source's tag names the entry (none if by digest)
    image::Platform platform;   // for an index, unless all_platforms
    bool all_platforms = false;
    unsigned jobs = 4;          // parallel blob downloads
    RegistryOptions registry;
};

struct PullResult {
    nlohmann::json descriptor;  // the entry written to index.json
    std::string tag;            // its ref.name, or empty
    uint64_t fetched_bytes = 0; // blob bytes downloaded (not the ones already present)
};

PullResult pull_image(const PullOptions& options, Progress& progress);

}  // namespace berth::pull
