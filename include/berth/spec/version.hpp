// The runtime-spec version berth implements: what `state` reports and `features` announces.
#pragma once
#include "berth_config.h"

namespace berth::spec {

inline constexpr const char* spec_version = BERTH_SPEC_VERSION;

}  // namespace berth::spec
