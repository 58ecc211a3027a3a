// berth-unpack's job: an image from an OCI layout into a runtime bundle (rootfs + config.json).
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "berth/image/platform.hpp"
#include "berth/unpack/runtime_config.hpp"

namespace berth::unpack {

struct UnpackOptions {
    std::string layout_ref;  // LAYOUT[:TAG|@DIGEST]
    std::string bundle;
    std::optional<image::Platform> platform;
    bool config_only = false;  // config.json only; an existing rootfs is read for users
    bool force = false;        // a non-empty bundle: its rootfs and config.json are replaced
    bool progress = false;     // live progress on stderr (a terminal)
    ConvertOptions convert;    // rootless, tty, volumes, id maps (also used for ownership)
    std::function<void(std::string_view)> warn;
};

struct UnpackResult {
    std::string manifest_digest;
    size_t layers = 0;
    uint64_t entries = 0;
    uint64_t bytes = 0;
};

// Throws Error. On failure nothing is left of what this call made (rootfs, config.json).
UnpackResult unpack_image(const UnpackOptions& o);

}  // namespace berth::unpack
