// libFuzzer target: config.json is input (SECURITY.md), so the parser must turn anything into
// either a Config or a berth::Error; so must parse_seccomp on the profile kept as text and
// parse_config_hooks. Any other exception, a crash or a sanitizer report is a bug.
// Built with clang by run.sh; replay_main.cpp replays corpus/config/ in every test run.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "berth/spec/parse.hpp"
#include "berth/util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        auto config = berth::spec::parse_config(text);
        // linux.seccomp is kept as text (found by a scan, not the parser) and parsed later.
        if (config.linux && config.linux->seccomp) (void)berth::spec::parse_seccomp(config.linux->seccomp->view());
    } catch (const berth::Error&) {
    }
    try {
        (void)berth::spec::parse_config_hooks(text);
    } catch (const berth::Error&) {
    }
    return 0;
}
