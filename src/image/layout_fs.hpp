// Small file-system steps the layout and its blob writer share.
#pragma once
#include <string>

namespace berth::image::layout_fs {

// Where temporary and partial blobs live, inside the layout (same file system as blobs/).
inline constexpr const char* partial_dir = ".berth-partial";

// Eight random hex digits for a temporary file name no other writer picks.
std::string random_suffix();
// fsync of dirfd/rel, best effort.
void fsync_dir(int dirfd, const std::string& rel);
// mkdir -p of rel below dirfd.
void mkdirat_p(int dirfd, const std::string& rel);

}  // namespace berth::image::layout_fs
