// SECURITY.md #1 (CVE-2019-5736): while berth's image runs inside a container's namespaces (the
// init until execve; later an exec), a process there that can reach /proc/<pid>/exe (a
// container sharing the pid namespace, with CAP_SYS_PTRACE; or the container's own program
// being a script whose interpreter is /proc/self/exe) may keep a handle on berth's binary and
// reopen it for writing once berth's image is gone. berth therefore runs those commands from a
// read-only bind mount of its own binary: every path to the file it executes from then lies on
// a read-only mount, and a write through it fails with EROFS.
#pragma once

namespace berth::os {

// Returns at once when berth already runs from a read-only mount (after the re-exec below, or
// when installed on a read-only filesystem). Otherwise clones a mount of /proc/self/exe
// (open_tree), makes it read-only, nosuid, nodev (mount_setattr) and executes it with the same
// argv and environment (execveat): a single exec, no copy of the binary. Returns false with
// errno set when that cannot be done.
bool run_from_readonly_self(char** argv) noexcept;

}  // namespace berth::os
