// The runtime-spec version berth implements. Its one definition is spec_version in meson.build
// (BERTH_SPEC_VERSION); code uses this constant.
#pragma once
#include <string_view>

#include "berth_config.h"

namespace berth::spec {

// What berth writes as "ociVersion" (`berth spec`, state.json, `berth state`) and reports as
// ociVersionMax in `berth features`.
inline constexpr std::string_view oci_version = BERTH_SPEC_VERSION;

}  // namespace berth::spec
