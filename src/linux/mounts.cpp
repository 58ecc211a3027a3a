#include "berth/linux/mounts.hpp"


#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "berth/linux/copy_up.hpp"
#include "berth/linux/in_root.hpp"
#include "berth/util/fd.hpp"

namespace berth::os {

namespace {

const char* cstr(const std::string& s) { return s.c_str(); }

// The kernel explains fsconfig failures in the fs context's message queue; fetch one line.
void append_fs_log(int fsfd, Failure& f)
{
    char buf[256];
    ssize_t n = ::read(fsfd, buf, sizeof buf - 1);
    if (n <= 2) return;
    buf[n] = 0;
    if (buf[n - 1] == '\n') buf[n - 1] = 0;
    size_t len = std::strlen(f.msg);
    std::snprintf(f.msg + len, sizeof f.msg - len, " (kernel: %s)", buf + 2);
}

bool set_attrs(int mfd, const MountOptions& o, const char* what, Failure& f)
{
    if (o.rattr_set || o.rattr_clr) {
        struct mount_attr a {};
        a.attr_set = o.rattr_set;
        a.attr_clr = o.rattr_clr;
        if (::mount_setattr(mfd, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof a) < 0)
            return f.set(errno, "set recursive attributes of %s", what);
    }
    if (o.attr_set || o.attr_clr) {
        struct mount_attr a {};
        a.attr_set = o.attr_set;
        a.attr_clr = o.attr_clr;
        if (::mount_setattr(mfd, "", AT_EMPTY_PATH, &a, sizeof a) < 0) return f.set(errno, "set attributes of %s", what);
    }
    return true;
}

bool set_propagation(int mfd, const MountOptions& o, const char* what, Failure& f)
{
    if (!o.propagation) return true;
    struct mount_attr a {};
    a.propagation = o.propagation;
    if (::mount_setattr(mfd, "", AT_EMPTY_PATH | (o.propagation_recursive ? AT_RECURSIVE : 0), &a, sizeof a) < 0)
        return f.set(errno, "set propagation of %s", what);
    return true;
}

bool attach(int mfd, int target_fd, const char* what, Failure& f)
{
    if (::move_mount(mfd, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return f.set(errno, "attach mount on %s", what);
    return true;
}

// A new superblock of `fstype`, configured, as a detached mount fd (or -1 with f set).
int make_fs(const char* fstype, const char* source, const MountOptions& o, uint64_t attrs, Failure& f)
{
    Fd fs(::fsopen(fstype, FSOPEN_CLOEXEC));
    if (!fs) {
        f.set(errno, "fsopen %s", fstype);
        return -1;
    }
    if (source && *source && ::fsconfig(fs.get(), FSCONFIG_SET_STRING, "source", source, 0) < 0) {
        f.set(errno, "%s: set source %s", fstype, source);
        append_fs_log(fs.get(), f);
        return -1;
    }
    for (const auto& [key, value] : o.fs_params) {
        int r = value.empty() ? ::fsconfig(fs.get(), FSCONFIG_SET_FLAG, cstr(key), nullptr, 0)
                              : ::fsconfig(fs.get(), FSCONFIG_SET_STRING, cstr(key), cstr(value), 0);
        if (r < 0) {
            f.set(errno, "%s: option %s%s%s", fstype, cstr(key), value.empty() ? "" : "=", cstr(value));
            append_fs_log(fs.get(), f);
            return -1;
        }
    }
    if (::fsconfig(fs.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0) {
        f.set(errno, "create %s filesystem", fstype);
        append_fs_log(fs.get(), f);
        return -1;
    }
    int m = ::fsmount(fs.get(), FSMOUNT_CLOEXEC, static_cast<unsigned>(attrs));
    if (m < 0) f.set(errno, "fsmount %s", fstype);
    return m;
}

// Bind of a host path as a detached mount fd.
int clone_tree(const char* source, bool recursive, Failure& f)
{
    int m = ::open_tree(AT_FDCWD, source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0));
    if (m < 0) f.set(errno, "open bind source %s", source);
    return m;
}

bool is_dir_fd(int fd)
{
    struct stat st;
    return ::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
}

bool mount_bind(int rootfd, const MountStep& s, Failure& f, Fd* mounted)
{
    Fd tree;
    if (s.source_is_mount) {
        // berth's prepared mount: attach it as it is (its attributes and id mapping are set).
        if (s.source_fd < 0) return f.set(EPROTO, "bind source %s: berth sent no mount for it", cstr(s.source));
        tree.reset(::fcntl(s.source_fd, F_DUPFD_CLOEXEC, 3));
        if (!tree) return f.set(errno, "bind source %s", cstr(s.source));
        Kind kind = is_dir_fd(tree.get()) ? Kind::directory : Kind::file;
        Fd target(create_in_root(rootfd, s.destination, kind, kind == Kind::directory ? 0755 : 0644, f));
        if (!target) return f.wrap("mount target");
        const char* what = cstr(s.destination);
        if (!attach(tree.get(), target.get(), what, f) || !set_propagation(tree.get(), s.opts, what, f)) return false;
        if (mounted) *mounted = std::move(tree);
        return true;
    }
    if (s.source_fd >= 0) {
        unsigned rec = s.opts.recursive ? AT_RECURSIVE : 0u;
        tree.reset(::open_tree(s.source_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | rec));
        if (!tree) return f.set(errno, "clone bind source %s", cstr(s.source));
    } else {
        tree.reset(clone_tree(cstr(s.source), s.opts.recursive, f));
        if (!tree) return false;
    }
    Kind kind = is_dir_fd(tree.get()) ? Kind::directory : Kind::file;
    Fd target(create_in_root(rootfd, s.destination, kind, kind == Kind::directory ? 0755 : 0644, f));
    if (!target) return f.wrap("mount target");
    const char* what = cstr(s.destination);
    if (!set_attrs(tree.get(), s.opts, what, f) || !attach(tree.get(), target.get(), what, f) ||
        !set_propagation(tree.get(), s.opts, what, f))
        return false;
    if (mounted) *mounted = std::move(tree);
    return true;
}

}  // namespace

int prepare_idmapped_bind(const MountStep& s, int userns_fd, Failure& f)
{
    Fd tree(clone_tree(cstr(s.source), s.opts.recursive, f));
    if (!tree) return -1;
    const char* what = cstr(s.destination);
    if (!set_attrs(tree.get(), s.opts, what, f)) return -1;
    struct mount_attr a {};
    a.attr_set = MOUNT_ATTR_IDMAP;
    a.userns_fd = static_cast<__u64>(static_cast<unsigned>(userns_fd));
    unsigned flags = AT_EMPTY_PATH | (s.opts.idmap == MountOptions::Idmap::recursive ? AT_RECURSIVE : 0u);
    if (::mount_setattr(tree.get(), "", flags, &a, sizeof a) < 0) {
        int err = errno;
        if (err == EINVAL)
            f.set(err, "id-map %s: its filesystem does not support id-mapped mounts", cstr(s.source));
        else
            f.set(err, "id-map %s", cstr(s.source));
        return -1;
    }
    return tree.release();
}

namespace {

bool mount_cgroup(int rootfd, const MountStep& s, const CgroupMountPlan& cg, bool in_userns, Failure& f)
{
    const char* what = cstr(s.destination);
    Fd target(create_in_root(rootfd, s.destination, Kind::directory, 0755, f));
    if (!target) return f.wrap("mount target");
    if (cg.fresh_cgroup2) {
        Fd m(make_fs("cgroup2", "cgroup", MountOptions{}, s.opts.attr_set, f));
        if (!m && in_userns && (f.err == EPERM || f.err == EACCES)) {
            // Rootless without a cgroup namespace of its own: the host's tree, read-only.
            Failure ignored;
            m.reset(clone_tree("/sys/fs/cgroup", true, ignored));
            MountOptions ro = s.opts;
            ro.rattr_set |= MOUNT_ATTR_RDONLY;
            if (m && !set_attrs(m.get(), ro, what, f)) return false;
        }
        if (!m) return false;
        return attach(m.get(), target.get(), what, f) && set_propagation(m.get(), s.opts, what, f);
    }
    if (!cg.v2_host_path.empty()) {
        Fd m(clone_tree(cstr(cg.v2_host_path), false, f));
        if (!m) return false;
        return set_attrs(m.get(), s.opts, what, f) && attach(m.get(), target.get(), what, f);
    }
    // v1/hybrid: a tmpfs holding one bind per hierarchy, made read-only at the end if asked.
    MountOptions tmpfs_opts;
    tmpfs_opts.fs_params.emplace_back("mode", "755");
    Fd tmp(make_fs("tmpfs", "cgroup", tmpfs_opts, s.opts.attr_set & ~static_cast<uint64_t>(MOUNT_ATTR_RDONLY), f));
    if (!tmp) return false;
    if (!attach(tmp.get(), target.get(), what, f)) return false;
    for (const auto& h : cg.v1) {
        if (::mkdirat(tmp.get(), cstr(h.name), 0755) < 0 && errno != EEXIST)
            return f.set(errno, "mkdir %s/%s", what, cstr(h.name));
        Fd sub(::openat(tmp.get(), cstr(h.name), O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC));
        if (!sub) return f.set(errno, "open %s/%s", what, cstr(h.name));
        Fd m(clone_tree(cstr(h.host_path), false, f));
        if (!m) return false;
        if (!set_attrs(m.get(), s.opts, what, f) || !attach(m.get(), sub.get(), what, f)) return false;
        // "cpu,cpuacct" is also reachable as "cpu" and "cpuacct", as on the host.
        if (h.name.find(',') != std::string::npos) {
            std::string_view all(h.name);
            while (!all.empty()) {
                auto comma = all.find(',');
                std::string one(all.substr(0, comma));
                if (::symlinkat(cstr(h.name), tmp.get(), one.c_str()) < 0 && errno != EEXIST)
                    return f.set(errno, "symlink %s/%s", what, one.c_str());
                all = comma == std::string_view::npos ? std::string_view{} : all.substr(comma + 1);
            }
        }
    }
    if (s.opts.attr_set & MOUNT_ATTR_RDONLY) {
        struct mount_attr a {};
        a.attr_set = MOUNT_ATTR_RDONLY;
        if (::mount_setattr(tmp.get(), "", AT_EMPTY_PATH, &a, sizeof a) < 0)
            return f.set(errno, "make %s read-only", what);
    }
    return set_propagation(tmp.get(), s.opts, what, f);
}

bool mount_fs(int rootfd, const MountStep& s, bool in_userns, Failure& f, Fd* mounted)
{
    const char* what = cstr(s.destination);
    // proc and sysfs only ever go on a real directory: a symlink there is an attack (SECURITY.md #3).
    bool strict = s.fstype == "proc" || s.fstype == "sysfs";
    Fd target(create_in_root(rootfd, s.destination, Kind::directory, 0755, f, ResolveFlags{strict}));
    if (!target) return f.wrap("mount target");
    // A tmpfs to fill with a copy is made writable, and read-only (if asked) once filled.
    bool copy_up = s.opts.copy_up && s.fstype == "tmpfs";
    uint64_t attrs = copy_up ? s.opts.attr_set & ~static_cast<uint64_t>(MOUNT_ATTR_RDONLY) : s.opts.attr_set;
    Fd m(make_fs(cstr(s.fstype), cstr(s.source), s.opts, attrs, f));
    if (m && copy_up) {
        if (!copy_dir_contents(target.get(), m.get(), f)) return f.wrap("tmpcopyup: copy %s into its tmpfs", what);
        if (attrs != s.opts.attr_set) {
            struct mount_attr a {};
            a.attr_set = MOUNT_ATTR_RDONLY;
            if (::mount_setattr(m.get(), "", AT_EMPTY_PATH, &a, sizeof a) < 0)
                return f.set(errno, "make %s read-only", what);
        }
    }
    if (!m && s.fstype == "sysfs" && in_userns && (f.err == EPERM || f.err == EACCES)) {
        // Without its own network namespace a user namespace may not mount sysfs; show the
        // host's read-only instead, as runc does.
        Failure ignored;
        m.reset(clone_tree("/sys", true, ignored));
        if (m) {
            MountOptions ro = s.opts;
            ro.rattr_set |= MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
            if (!set_attrs(m.get(), ro, what, f)) return false;
        }
    }
    if (!m) return f.wrap("mount %s on %s", cstr(s.fstype), what);
    if (!set_attrs(m.get(), MountOptions{.rattr_set = s.opts.rattr_set, .rattr_clr = s.opts.rattr_clr}, what, f))
        return false;
    if (!attach(m.get(), target.get(), what, f) || !set_propagation(m.get(), s.opts, what, f)) return false;
    if (mounted) *mounted = std::move(m);
    return true;
}

}  // namespace

bool mount_step(int rootfd, const MountStep& step, const CgroupMountPlan& cg, bool in_userns, Failure& f,
                Fd* mounted)
{
    bool ok;
    switch (step.kind) {
    case MountStep::Kind::bind: ok = mount_bind(rootfd, step, f, mounted); break;
    case MountStep::Kind::cgroup: ok = mount_cgroup(rootfd, step, cg, in_userns, f); break;
    default: ok = mount_fs(rootfd, step, in_userns, f, mounted); break;
    }
    if (!ok) f.wrap("mount %s", step.destination.c_str());
    return ok;
}

int open_verified_devnull(Failure& f)
{
    Fd fd(::open("/dev/null", O_PATH | O_CLOEXEC | O_NOFOLLOW));
    if (!fd) {
        f.set(errno, "open /dev/null");
        return -1;
    }
    struct stat st;
    if (::fstat(fd.get(), &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3)) {
        f.set(EINVAL, "/dev/null is not the character device 1:3; refusing to mask with it");
        return -1;
    }
    return fd.release();
}

bool mask_path(int rootfd, const std::string& path, int devnull_fd, Fd& empty_dir, Failure& f)
{
    Fd target(open_in_root(rootfd, path, O_PATH));
    if (!target) {
        if (errno == ENOENT) return true;
        return f.set(errno, "mask %s", path.c_str());
    }
    const char* what = path.c_str();
    if (is_dir_fd(target.get())) {
        if (empty_dir) {
            Fd m(::open_tree(empty_dir.get(), "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH));
            if (!m) return f.set(errno, "mask %s: clone empty tmpfs", what);
            return attach(m.get(), target.get(), what, f);
        }
        MountOptions o;
        o.fs_params.emplace_back("size", "0");
        Fd m(make_fs("tmpfs", "tmpfs", o, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, f));
        if (!m) return f.wrap("mask %s", what);
        if (!attach(m.get(), target.get(), what, f)) return false;
        empty_dir = std::move(m);  // now attached: the next masks clone it
        return true;
    }
    Fd m(::open_tree(devnull_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH));
    if (!m) return f.set(errno, "mask %s: clone /dev/null", what);
    struct mount_attr a {};
    a.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC;
    if (::mount_setattr(m.get(), "", AT_EMPTY_PATH, &a, sizeof a) < 0) return f.set(errno, "mask %s: make read-only", what);
    return attach(m.get(), target.get(), what, f);
}

bool readonly_path(int rootfd, const std::string& path, Failure& f)
{
    Fd target(open_in_root(rootfd, path, O_PATH));
    if (!target) {
        if (errno == ENOENT) return true;
        return f.set(errno, "make %s read-only", path.c_str());
    }
    // Clone from the fd we resolved (never the path again), so a swap cannot redirect it (#14).
    Fd m(::open_tree(target.get(), "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE));
    if (!m) return f.set(errno, "make %s read-only: clone", path.c_str());
    struct mount_attr a {};
    a.attr_set = MOUNT_ATTR_RDONLY;
    if (::mount_setattr(m.get(), "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof a) < 0)
        return f.set(errno, "make %s read-only", path.c_str());
    return attach(m.get(), target.get(), path.c_str(), f);
}

}  // namespace berth::os
