// Catch2's main, plus meson's SKIP for the test cases that need root: `unit-root` runs the
// binary with the filter "[root]", and as another user that exits 77, which meson reports as
// SKIP instead of a pass that ran nothing.
#define CATCH_CONFIG_RUNNER
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <string_view>

namespace {

// A test spec that selects [root] cases: "[root]" anywhere in it, not negated by '~'.
bool selects_root_tests(std::string_view arg)
{
    for (size_t at = arg.find("[root]"); at != std::string_view::npos; at = arg.find("[root]", at + 1))
        if (at == 0 || arg[at - 1] != '~') return true;
    return false;
}

}  // namespace

int main(int argc, char* argv[])
{
    if (::geteuid() != 0)
        for (int i = 1; i < argc; ++i)
            if (selects_root_tests(argv[i])) {
                std::printf("SKIP: %s selects test cases that need root\n", argv[i]);
                return 77;
            }
    return Catch::Session().run(argc, argv);
}
