// The root-confined path API (SECURITY.md #3-#5, #12, #14). Every path berth touches inside a
// container's rootfs is resolved here to an fd without ever leaving the rootfs; later steps
// (mount, mknod, chmod) work on that fd, never on the path string again.
#pragma once
#include <sys/types.h>

#include <string_view>

#include "berth/util/failure.hpp"

namespace berth::os {

enum class Kind { directory, file };

struct ResolveFlags {
    bool no_symlinks = false;  // refuse any symlink on the way (proc and sysfs targets)
};

// Opens `path` (as seen inside the container) relative to rootfd with RESOLVE_IN_ROOT and
// RESOLVE_NO_MAGICLINKS. Returns the fd, or -1 with errno set.
int open_in_root(int rootfd, std::string_view path, int flags, ResolveFlags rf = {}) noexcept;

// Like open_in_root with O_PATH, creating what is missing: parent directories with mkdirat,
// the last component as `kind`, each relative to an fd already inside the root. A dangling
// symlink is followed inside the root (its target is created there), never outside.
// Returns an O_PATH fd, or -1 with `f` set.
int create_in_root(int rootfd, std::string_view path, Kind kind, mode_t mode, Failure& f, ResolveFlags rf = {});

}  // namespace berth::os
