// "tmpcopyup" (a runc mount option podman sends for --read-only): a new tmpfs starts with a copy
// of what the directory it covers held in the image.
#pragma once
#include "berth/util/failure.hpp"

namespace berth::os {

// Copies the contents of the directory `src_dir` into the directory `dst_dir` (both fds of
// directories; neither is closed): directories, regular files, symlinks, fifos and device
// nodes, with their modes, owners and times. Nothing is ever followed: every name is opened
// relative to its parent's fd with O_NOFOLLOW, so a symlink in the image cannot point the copy
// elsewhere. No allocation (runs in the container's init before execve): a stack buffer per
// directory level, at most `max_copy_depth` levels. Returns false with f set.
constexpr int max_copy_depth = 128;
bool copy_dir_contents(int src_dir, int dst_dir, Failure& f) noexcept;

}  // namespace berth::os
