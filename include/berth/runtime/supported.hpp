// What berth implements of config.json so far. A field it cannot honour fails the create with
// its JSON path, rather than being silently ignored; resource limits (the cgroups work) are
// warned about, naming each field.
#pragma once
#include "berth/spec/config.hpp"
#include "berth/util/log.hpp"

namespace berth::runtime {

// Throws Error("config.json: <path>: <what> is not supported by berth yet").
void check_supported(const spec::Config& config, const Logger& log);

}  // namespace berth::runtime
