#include "berth/terminal/pty.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>

#include "berth/linux/syscalls.hpp"

namespace berth::terminal {

namespace {

// Absolute paths of the current root, no symlink anywhere on the way: the container's image
// cannot redirect them.
int open_no_symlinks(const char* path, uint64_t flags) noexcept
{
    return os::openat2(AT_FDCWD, path, flags | O_CLOEXEC, 0, RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
}

}  // namespace

bool open_pty(Pty& out, Failure& f) noexcept
{
    Fd pts(open_no_symlinks("/dev/pts", O_PATH | O_DIRECTORY));
    if (!pts) return f.set(errno, "process.terminal: open /dev/pts in the container");
    struct statfs sf;
    if (::fstatfs(pts.get(), &sf) < 0) return f.set(errno, "process.terminal: statfs /dev/pts");
    if (sf.f_type != DEVPTS_SUPER_MAGIC)
        return f.set(ENODEV, "process.terminal: no devpts is mounted at /dev/pts in the container");
    // Within that devpts only: the kernel made every node there, so ptmx is its own.
    Fd master(os::openat2(pts.get(), "ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC, 0,
                          RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS));
    if (!master) return f.set(errno, "process.terminal: open /dev/pts/ptmx");
    struct stat st;
    if (::fstat(master.get(), &st) < 0) return f.set(errno, "process.terminal: stat /dev/pts/ptmx");
    if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(5, 2))
        return f.set(ENODEV, "process.terminal: /dev/pts/ptmx is not the pty multiplexer");
    int unlock = 0;
    if (::ioctl(master.get(), TIOCSPTLCK, &unlock) < 0) return f.set(errno, "process.terminal: unlock the pty");
    unsigned index = 0;
    if (::ioctl(master.get(), TIOCGPTN, &index) < 0) return f.set(errno, "process.terminal: get the pty number");
    Fd peer(::ioctl(master.get(), TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!peer) return f.set(errno, "process.terminal: open the pty's peer (TIOCGPTPEER)");
    out.master = std::move(master);
    out.peer = std::move(peer);
    out.index = index;
    return true;
}

bool set_window_size(int fd, WindowSize size, Failure& f) noexcept
{
    if (size.rows == 0 && size.cols == 0) return true;
    struct winsize ws {};
    ws.ws_row = size.rows;
    ws.ws_col = size.cols;
    if (::ioctl(fd, TIOCSWINSZ, &ws) < 0) return f.set(errno, "process.consoleSize: set the window size");
    return true;
}

bool mount_console(int peer, Failure& f) noexcept
{
    Fd target(open_no_symlinks("/dev/console", O_PATH | O_NOFOLLOW));
    if (!target) return f.set(errno, "process.terminal: open /dev/console in the container");
    struct stat st;
    if (::fstat(target.get(), &st) < 0) return f.set(errno, "process.terminal: stat /dev/console");
    if (S_ISDIR(st.st_mode)) return f.set(EISDIR, "process.terminal: /dev/console is a directory");
    Fd tree(::open_tree(peer, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH));
    if (!tree) return f.set(errno, "process.terminal: clone the pty for /dev/console");
    if (::move_mount(tree.get(), "", target.get(), "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return f.set(errno, "process.terminal: bind the pty over /dev/console");
    return true;
}

bool attach_stdio(Fd& peer, Failure& f) noexcept
{
    if (::getsid(0) != ::getpid() && ::setsid() < 0) return f.set(errno, "process.terminal: setsid");
    int p = peer.get();
    for (int fd = 0; fd <= 2; ++fd) {
        // dup2 clears close-on-exec on the copy; the peer itself may already sit at fd.
        int r = fd == p ? ::fcntl(fd, F_SETFD, 0) : ::dup2(p, fd);
        if (r < 0) return f.set(errno, "process.terminal: make the pty fd %d", fd);
    }
    if (p <= 2) (void)peer.release();
    peer.reset();
    if (::ioctl(0, TIOCSCTTY, 0) < 0) return f.set(errno, "process.terminal: make the pty the controlling terminal");
    return true;
}

}  // namespace berth::terminal
