// Names in a layer tar, reduced to paths relative to the rootfs, and the whiteout markers of
// image-spec's layer changesets (.wh.NAME, .wh..wh..opq).
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace berth::unpack {

// "./a//b/./c" -> "a/b/c"; "/abs" -> "abs" (a leading slash is relative to the rootfs, as tar
// treats it); "a/../b" -> "b". nullopt when the name climbs above the rootfs ("../x",
// "a/../../x"): such an entry is refused, never confined by chance. "" is the rootfs itself.
std::optional<std::string> clean_entry_path(std::string_view name);

// The directory part and the last component of a cleaned path ("a/b/c" -> "a/b", "c";
// "c" -> "", "c").
std::pair<std::string_view, std::string_view> split_parent(std::string_view clean);

enum class Whiteout { none, entry, opaque };
struct WhiteoutMark {
    Whiteout kind = Whiteout::none;
    std::string target;  // entry: the path it removes; opaque: the directory it empties
};
// Classifies a cleaned path. ".wh." alone or ".wh..wh.X" other than the opaque marker are not
// valid whiteouts: kind none, and the caller refuses them (they would hide nothing sensible).
WhiteoutMark whiteout_of(std::string_view clean);
// True for any name whose last component begins with ".wh.".
bool is_whiteout_name(std::string_view clean);

}  // namespace berth::unpack
