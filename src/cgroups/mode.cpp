#include "berth/cgroups/mode.hpp"

#include <linux/magic.h>
#include <sys/vfs.h>

#include <cerrno>

#include "berth/util/error.hpp"

namespace berth::cgroups {

namespace {
// f_type of path, or 0 when it does not exist.
long fs_type(const char* path)
{
    struct statfs st;
    if (::statfs(path, &st) == 0) return static_cast<long>(st.f_type);
    if (errno == ENOENT) return 0;
    throw_errno(std::string("statfs ") + path);
}
}  // namespace

Mode detect_mode()
{
    if (fs_type("/sys/fs/cgroup") == CGROUP2_SUPER_MAGIC) return Mode::unified;
    if (fs_type("/sys/fs/cgroup/unified") == CGROUP2_SUPER_MAGIC) return Mode::hybrid;
    return Mode::v1;
}

std::string_view mode_name(Mode m) noexcept
{
    switch (m) {
    case Mode::v1: return "v1";
    case Mode::hybrid: return "hybrid";
    case Mode::unified: return "unified";
    }
    return "v1";
}

std::optional<Mode> parse_mode(std::string_view s) noexcept
{
    for (Mode m : {Mode::v1, Mode::hybrid, Mode::unified})
        if (mode_name(m) == s) return m;
    return std::nullopt;
}

}  // namespace berth::cgroups
