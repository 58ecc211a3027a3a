// Defaults that both the spec module and the container side use. Header-only: src/linux
// includes it without linking the spec library.
#pragma once

namespace berth::spec {

// A bundle's config file, and the source name its errors carry.
inline constexpr char config_file_name[] = "config.json";

// runc's PATH: what `berth spec` puts into process.env, and where a process's command is
// looked up when its environment has no PATH.
inline constexpr char default_path[] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

}  // namespace berth::spec
