// libFuzzer target: the process.json of `berth exec --process FILE` is input like config.json:
// anything becomes a Process or a berth::Error. Corpus: corpus/process/.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "berth/spec/parse.hpp"
#include "berth/util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        (void)berth::spec::parse_process(text, "process.json");
    } catch (const berth::Error&) {
    }
    return 0;
}
