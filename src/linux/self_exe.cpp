#include "berth/linux/self_exe.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "berth/util/fd.hpp"

extern char** environ;

namespace berth::os {

bool run_from_readonly_self(char** argv) noexcept
{
    Fd self(::open("/proc/self/exe", O_PATH | O_CLOEXEC));
    if (!self) return false;
    struct statvfs st {};
    if (::fstatvfs(self.get(), &st) < 0) return false;
    if (st.f_flag & ST_RDONLY) return true;
    // A clone of just the binary's mount, detached: it exists only while something uses it
    // (this process's executable, once exec'd), and nobody can make it writable again by path.
    Fd tree(::open_tree(AT_FDCWD, "/proc/self/exe", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC));
    if (!tree) return false;
    struct mount_attr a {};
    a.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
    if (::mount_setattr(tree.get(), "", AT_EMPTY_PATH, &a, sizeof a) < 0) return false;
    ::syscall(SYS_execveat, tree.get(), "", argv, environ, AT_EMPTY_PATH);
    return false;
}

}  // namespace berth::os
