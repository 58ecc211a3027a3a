// Defaults that both the spec module and the container side use. Header-only: src/linux
// includes it without linking the spec library.
#pragma once

namespace berth::spec {

// runc's PATH: what `berth spec` puts into process.env, and where a process's command is
// looked up when its environment has no PATH.
inline constexpr char default_path[] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

}  // namespace berth::spec
