#include "berth/linux/private_rootfs.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

#include "berth/util/error.hpp"
#include "berth/util/file.hpp"

#ifndef STATX_MNT_ID_UNIQUE
#define STATX_MNT_ID_UNIQUE 0x4000U
#endif

namespace berth::os {

namespace {

MountId mount_id_of(int fd, const std::string& what)
{
    struct statx st {};
    if (::statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID_UNIQUE, &st) < 0) throw_errno("statx " + what);
    if (st.stx_mask & STATX_MNT_ID_UNIQUE) return {st.stx_mnt_id, true};
    if (::statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &st) < 0) throw_errno("statx " + what);
    if (!(st.stx_mask & STATX_MNT_ID)) throw Error("statx " + what + ": this kernel reports no mount id");
    return {st.stx_mnt_id, false};
}

}  // namespace

std::string RootfsMount::to_text() const
{
    return (id.unique ? "unique " : "reusable ") + std::to_string(id.id) + "\n" + rootfs + "\n";
}

std::optional<RootfsMount> RootfsMount::parse(std::string_view text)
{
    RootfsMount m;
    if (text.starts_with("unique ")) {
        m.id.unique = true;
        text.remove_prefix(7);
    } else if (text.starts_with("reusable ")) {
        text.remove_prefix(9);
    } else {
        return std::nullopt;
    }
    auto nl = text.find('\n');
    if (nl == std::string_view::npos || nl == 0) return std::nullopt;
    auto [end, ec] = std::from_chars(text.data(), text.data() + nl, m.id.id);
    if (ec != std::errc() || end != text.data() + nl) return std::nullopt;
    text.remove_prefix(nl + 1);
    if (!text.ends_with('\n')) return std::nullopt;
    text.remove_suffix(1);
    if (!text.starts_with('/') || text.find('\n') != std::string_view::npos) return std::nullopt;
    m.rootfs = std::string(text);
    return m;
}

DetachedRootfs clone_private_rootfs(const std::string& rootfs)
{
    Fd dir = open_or_throw(rootfs, O_PATH | O_DIRECTORY);
    DetachedRootfs out;
    out.tree.reset(static_cast<int>(
        ::open_tree(dir.get(), "", AT_EMPTY_PATH | AT_RECURSIVE | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC)));
    if (!out.tree) throw_errno("copy the mounts of rootfs " + rootfs);
    out.id = mount_id_of(out.tree.get(), "the copy of rootfs " + rootfs);
    return out;
}

void attach_rootfs(const DetachedRootfs& copy, const std::string& rootfs)
{
    Fd dir = open_or_throw(rootfs, O_PATH | O_DIRECTORY);
    if (::move_mount(copy.tree.get(), "", dir.get(), "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        throw_errno("mount the copy of rootfs " + rootfs + " over it");
    // Private once attached: a copy is born private, but one attached beneath a shared mount
    // joins its propagation.
    struct mount_attr a {};
    a.propagation = MS_PRIVATE;
    if (::mount_setattr(copy.tree.get(), "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof a) < 0)
        throw_errno("make the copy of rootfs " + rootfs + " private");
}

bool detach_rootfs(const RootfsMount& m)
{
    const std::string& rootfs = m.rootfs;
    Fd dir(::open(rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!dir) {
        if (errno == ENOENT || errno == ENOTDIR) return false;
        throw_errno("open rootfs " + rootfs);
    }
    if (!(mount_id_of(dir.get(), "rootfs " + rootfs) == m.id)) return false;
    // Through the fd, so that what is unmounted is the mount just checked, whatever is
    // mounted on the path meanwhile; the fd is at that mount's root.
    std::string self = "/proc/self/fd/" + std::to_string(dir.get());
    if (::umount2(self.c_str(), MNT_DETACH) < 0) throw_errno("detach the container's mounts on rootfs " + rootfs);
    return true;
}

}  // namespace berth::os
