// An image config turned into a runtime config.json, by image-spec's conversion.md, on top of
// the spec `berth spec` writes (the same model and encoder, spec/default_spec.hpp).
#pragma once
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "berth/unpack/id_map.hpp"
#include "berth/unpack/user_lookup.hpp"

namespace berth::unpack {

struct ConvertOptions {
    bool rootless = false;  // `berth spec --rootless` as the base: a user namespace mapping root
    bool tty = false;       // process.terminal
    bool volumes = true;    // Config.Volumes as tmpfs mounts; false: left out with a warning
    IdMap uid_map;          // --uid-map/--gid-map: written as linux.uidMappings/gidMappings
    IdMap gid_map;
};

// The "config" object's fields of interest, read with JSON paths in errors.
struct ImageProcess {
    std::vector<std::string> args;  // Entrypoint + Cmd
    std::vector<std::string> env;
    std::string cwd;
    std::string user;
};
ImageProcess image_process(const nlohmann::json& image_config, std::string_view source);

// source names the config in errors ("image config sha256:..."). user: Config.User resolved.
nlohmann::ordered_json runtime_config(const nlohmann::json& image_config, std::string_view source,
                                      const ResolvedUser& user, const ConvertOptions& opts,
                                      const std::function<void(std::string_view)>& warn);

}  // namespace berth::unpack
