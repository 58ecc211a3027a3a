// An image's `User` ("name", "uid", "uid:gid", "name:group", ...) resolved to numeric ids the
// way image-spec's conversion.md asks: through the image's own /etc/passwd and /etc/group.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace berth::unpack {

struct ResolvedUser {
    uint32_t uid = 0;
    uint32_t gid = 0;
    std::vector<uint32_t> additional_gids;  // groups listing the user as a member, file order
};

// passwd and group are the files' contents (nullopt: the image has no such file). A name that
// the files do not hold is an Error; a number needs no entry (gid 0 when passwd has none).
// Supplementary groups come from /etc/group only for a user given by name without a group
// (conversion.md).
ResolvedUser resolve_user(std::string_view user, const std::optional<std::string>& passwd,
                          const std::optional<std::string>& group);

}  // namespace berth::unpack
