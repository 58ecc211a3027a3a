// libFuzzer target: config.json is input (SECURITY.md), so the parser must turn anything into
// either a Config or a berth::Error. Any other exception, a crash or a sanitizer report is a bug.
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
        (void)berth::spec::parse_config(text);
    } catch (const berth::Error&) {
    }
    return 0;
}
