#include "berth/linux/devices.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>

#include "berth/linux/in_root.hpp"
#include "berth/util/fd.hpp"

namespace berth::os {

std::vector<DeviceNode> default_devices()
{
    auto chr = [](const char* p, unsigned maj, unsigned min) {
        return DeviceNode{p, S_IFCHR | 0666, makedev(maj, min), 0, 0};
    };
    return {chr("/dev/null", 1, 3),   chr("/dev/zero", 1, 5),    chr("/dev/full", 1, 7),
            chr("/dev/random", 1, 8), chr("/dev/urandom", 1, 9), chr("/dev/tty", 5, 0)};
}

namespace {

std::string dirname_of(const std::string& p)
{
    auto s = p.rfind('/');
    return s == 0 || s == std::string::npos ? "/" : p.substr(0, s);
}

std::string basename_of(const std::string& p)
{
    auto s = p.rfind('/');
    return s == std::string::npos ? p : p.substr(s + 1);
}

bool bind_host_node(int rootfd, const DeviceNode& d, Failure& f)
{
    Fd target(create_in_root(rootfd, d.path, Kind::file, 0, f));
    if (!target) return f.wrap("device %s", d.path.c_str());
    Fd m(::open_tree(AT_FDCWD, d.path.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC));
    if (!m) return f.set(errno, "device %s: clone host node", d.path.c_str());
    if (::move_mount(m.get(), "", target.get(), "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return f.set(errno, "device %s: bind host node", d.path.c_str());
    return true;
}

}  // namespace

bool DeviceMaker::open_dir(const std::string& path, Failure& f)
{
    if (dir_ && path == dir_path_) return true;
    dir_.reset(create_in_root(rootfd_, path, Kind::directory, 0755, f));
    if (!dir_) return false;
    struct stat st;
    if (::fstat(dir_.get(), &st) < 0) return f.set(errno, "stat %s", path.c_str());
    dir_path_ = path;
    new_uid_ = ::geteuid();
    new_gid_ = (st.st_mode & S_ISGID) ? st.st_gid : ::getegid();
    return true;
}

bool DeviceMaker::make(const DeviceNode& d, Failure& f, int* made)
{
    if (in_userns_) return bind_host_node(rootfd_, d, f);
    if (!open_dir(dirname_of(d.path), f)) return f.wrap("device %s", d.path.c_str());
    const int dir = dir_.get();
    std::string name = basename_of(d.path);
    if (::mknodat(dir, name.c_str(), d.mode, d.dev) < 0) {
        if (errno != EEXIST) return f.set(errno, "mknod %s", d.path.c_str());
        // Replace what the image had there (never a directory); the new node is authoritative.
        if (::unlinkat(dir, name.c_str(), 0) < 0 || ::mknodat(dir, name.c_str(), d.mode, d.dev) < 0)
            return f.set(errno, "mknod %s", d.path.c_str());
    }
    if ((d.uid != new_uid_ || d.gid != new_gid_) && ::fchownat(dir, name.c_str(), d.uid, d.gid, AT_SYMLINK_NOFOLLOW) < 0)
        return f.set(errno, "chown %s", d.path.c_str());
    if (made) {
        Fd node(::openat(dir, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
        struct stat st;
        if (!node || ::fstat(node.get(), &st) < 0) return f.set(errno, "open %s", d.path.c_str());
        if ((st.st_mode & S_IFMT) != (d.mode & S_IFMT) || st.st_rdev != d.dev)
            return f.set(EINVAL, "%s was replaced while berth created it", d.path.c_str());
        *made = node.release();
    }
    return true;
}

namespace {

struct Link {
    const char* target;
    const char* name;  // in /dev
};
constexpr Link dev_links[] = {{"/proc/self/fd", "fd"},       {"/proc/self/fd/0", "stdin"},
                              {"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"},
                              {"pts/ptmx", "ptmx"},          {"/proc/kcore", "core"}};

}  // namespace

std::vector<std::string> dev_symlink_paths()
{
    std::vector<std::string> out;
    for (const auto& l : dev_links) out.push_back(std::string("/dev/") + l.name);
    return out;
}

bool create_dev_symlinks(int rootfd, Failure& f)
{
    Fd dev(open_in_root(rootfd, "/dev", O_PATH | O_DIRECTORY));
    if (!dev) return f.set(errno, "open /dev in rootfs");
    for (const auto& l : dev_links) {
        if (::symlinkat(l.target, dev.get(), l.name) < 0 && errno != EEXIST)
            return f.set(errno, "symlink /dev/%s", l.name);
    }
    return true;
}

}  // namespace berth::os
