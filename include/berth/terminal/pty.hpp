// The container's side of process.terminal: a pty from the container's own devpts, its window
// size, /dev/console, and the peer as the process's stdio and controlling terminal. Runs in the
// process step between clone and execve: noexcept, reports through Failure, never allocates.
#pragma once
#include "berth/terminal/window_size.hpp"
#include "berth/util/failure.hpp"
#include "berth/util/fd.hpp"

namespace berth::terminal {

struct Pty {
    Fd master;           // close-on-exec; berth hands it on and closes the container's copy
    Fd peer;             // the terminal side, got from the master (TIOCGPTPEER), never by path
    unsigned index = 0;  // N of /dev/pts/N in the container's devpts
};

// Opens ptmx of the devpts mounted at /dev/pts of the current root (call after pivot_root, so
// the pty belongs to the container's instance), without following symlinks or crossing into
// another mount, verifies it is that instance's ptmx node, unlocks it and gets the peer
// through TIOCGPTPEER: no path is looked up for the peer (SECURITY.md #10).
bool open_pty(Pty& out, Failure& f) noexcept;

// TIOCSWINSZ; a zero size leaves the pty's default.
bool set_window_size(int fd, WindowSize size, Failure& f) noexcept;

// Binds the peer over /dev/console of the current root, from the peer's fd (open_tree, never a
// /dev/pts/N path). /dev/console must exist and is opened without following symlinks.
bool mount_console(int peer, Failure& f) noexcept;

// The peer becomes fds 0, 1 and 2 and the controlling terminal of this process, which leads its
// own session (made here when it does not yet). Consumes `peer` (closed unless it is one of 0-2).
bool attach_stdio(Fd& peer, Failure& f) noexcept;

}  // namespace berth::terminal
