#include "berth/linux/host_mounts.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "berth/util/fd.hpp"

namespace berth::os {

namespace {

// The fields of one /proc/self/mountinfo line that matter here.
struct MountLine {
    char point[PATH_MAX + 1];  // field 5, unescaped
    bool whole_fs = false;     // field 4 is "/": the filesystem's root is mounted
    char fstype[64];           // the field after " - "
};

// Copies a mountinfo field, undoing the kernel's octal escapes ("\040" for a space). False if
// it does not fit.
bool unescape(const char* s, size_t n, char* out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n; ++i) {
        char c = s[i];
        if (c == '\\' && i + 3 < n && s[i + 1] >= '0' && s[i + 1] <= '3' &&
            s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
            c = static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
            i += 3;
        }
        if (o + 1 >= cap) return false;
        out[o++] = c;
    }
    out[o] = 0;
    return true;
}

bool parse_line(const char* line, size_t len, MountLine& m)
{
    size_t field = 0, i = 0;
    bool after_dash = false;
    while (i < len) {
        size_t start = i;
        while (i < len && line[i] != ' ') ++i;
        const char* tok = line + start;
        size_t n = i - start;
        ++i;
        ++field;
        if (field == 4) m.whole_fs = n == 1 && tok[0] == '/';
        if (field == 5 && !unescape(tok, n, m.point, sizeof m.point)) return false;
        if (field <= 6) continue;
        if (after_dash) return unescape(tok, n, m.fstype, sizeof m.fstype);
        after_dash = n == 1 && tok[0] == '-';
    }
    return false;
}

// `p` is `root` or below it.
bool at_or_below(const char* p, const char* root, size_t rlen)
{
    return std::strncmp(p, root, rlen) == 0 && (p[rlen] == 0 || p[rlen] == '/');
}

// Detaching `p` would take `root` with it: "/" and every directory above root.
bool leads_to(const char* p, const char* root)
{
    size_t n = std::strlen(p);
    if (n == 1 && p[0] == '/') return true;
    return std::strncmp(root, p, n) == 0 && root[n] == '/';
}

long fs_type(int fd)
{
    struct statfs st;
    return ::fstatfs(fd, &st) == 0 ? static_cast<long>(st.f_type) : -1;
}

// An empty read-only tmpfs over a non-empty directory of the proc or sysfs mounted at `point`.
bool cover(const char* point, bool proc, Failure& f)
{
    Fd top(::open(point, O_PATH | O_DIRECTORY | O_CLOEXEC));
    long want = proc ? PROC_SUPER_MAGIC : SYSFS_MAGIC;
    // Gone meanwhile, or something else on top of it: a later pass looks again.
    if (!top || fs_type(top.get()) != want) return true;
    static const char* const proc_dirs[] = {"sys", "fs", "bus", "irq", "driver", nullptr};
    static const char* const sysfs_dirs[] = {"kernel", "fs", "devices", "class", "bus", nullptr};
    for (const char* const* d = proc ? proc_dirs : sysfs_dirs; *d; ++d) {
        Fd dir(::openat(top.get(), *d, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!dir) continue;
        long t = fs_type(dir.get());
        if (t == TMPFS_MAGIC) return true;  // covered by an earlier pass
        if (t != want) continue;
        Fd fs(::fsopen("tmpfs", FSOPEN_CLOEXEC));
        if (!fs || ::fsconfig(fs.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0)
            return f.set(errno, "--no-pivot: create a tmpfs to cover the host's %s on %s", proc ? "proc" : "sysfs", point);
        Fd m(::fsmount(fs.get(), FSMOUNT_CLOEXEC,
                       MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC));
        if (!m || ::move_mount(m.get(), "", dir.get(), "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
            return f.set(errno, "--no-pivot: cover the host's %s on %s", proc ? "proc" : "sysfs", point);
        return true;
    }
    return f.set(ENOENT, "--no-pivot: the host's %s on %s can be neither detached nor covered", proc ? "proc" : "sysfs",
                 point);
}

// Detaches `m` unless it is the rootfs, inside it or on the way to it. True if it did.
bool detach(const MountLine& m, const char* rootfs, size_t rlen)
{
    const char* p = m.point;
    if (at_or_below(p, rootfs, rlen) || leads_to(p, rootfs)) return false;
    // A slave first: the unmount must never propagate to the host's namespace. Failures mean
    // a locked mount (a user namespace), or not the top mount at p (a later pass gets it
    // once what covers it is gone).
    return ::mount(nullptr, p, nullptr, MS_SLAVE | MS_REC, nullptr) == 0 && ::umount2(p, MNT_DETACH) == 0;
}

// Covers `m` if it is a whole proc or sysfs outside the rootfs. False with f set on failure.
bool cover_if_revealing(const MountLine& m, const char* rootfs, size_t rlen, Failure& f)
{
    bool proc = std::strcmp(m.fstype, "proc") == 0;
    if (!m.whole_fs || (!proc && std::strcmp(m.fstype, "sysfs") != 0)) return true;
    if (at_or_below(m.point, rootfs, rlen)) return true;
    return cover(m.point, proc, f);
}

// Calls each(line) for every line of mountinfo, from its start. False with f set on failure.
template <class Each>
bool for_each_mount(int fd, MountLine& m, Failure& f, Each&& each)
{
    if (::lseek(fd, 0, SEEK_SET) < 0) return f.set(errno, "--no-pivot: rewind /proc/self/mountinfo");
    char chunk[16384];
    char line[4 * PATH_MAX + 1024];  // a mount point's escapes take up to 4 bytes per byte
    size_t len = 0;
    for (;;) {
        ssize_t n = ::read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return f.set(errno, "--no-pivot: read /proc/self/mountinfo");
        if (n == 0) return true;
        for (size_t i = 0; i < static_cast<size_t>(n); ++i) {
            if (chunk[i] != '\n') {
                if (len == sizeof line) return f.set(ENAMETOOLONG, "--no-pivot: a mountinfo line is too long");
                line[len++] = chunk[i];
                continue;
            }
            if (!parse_line(line, len, m)) return f.set(EINVAL, "--no-pivot: unexpected mountinfo line");
            len = 0;
            if (!each()) return false;
        }
    }
}

}  // namespace

bool hide_host_mounts(const char* rootfs, Failure& f) noexcept
{
    size_t rlen = std::strlen(rootfs);
    // Opened once: the host's /proc it comes from may be detached on the way.
    Fd info(::open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC));
    if (!info) return f.set(errno, "--no-pivot: open /proc/self/mountinfo");
    MountLine m;
    // Detaching one mount can uncover another (stacked on the same point, or below a mount
    // that covered its parent): read again until a pass detaches nothing.
    for (int pass = 0; pass < 64; ++pass) {
        int detached = 0;
        if (!for_each_mount(info.get(), m, f, [&] {
                detached += detach(m, rootfs, rlen);
                return true;
            }))
            return false;
        if (!detached) break;
    }
    // What is left could not be detached; the covers come last, so no pass detaches them.
    return for_each_mount(info.get(), m, f, [&] { return cover_if_revealing(m, rootfs, rlen, f); });
}

}  // namespace berth::os
