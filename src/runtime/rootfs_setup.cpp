#include "berth/runtime/rootfs_setup.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>

#include "berth/linux/host_mounts.hpp"
#include "berth/linux/in_root.hpp"
#include "berth/linux/syscalls.hpp"

namespace berth::runtime {

namespace {

bool pivot(const ContainerPlan& plan, int rootfd, Failure& f)
{
    if (::fchdir(rootfd) < 0) return f.set(errno, "chdir to rootfs %s", plan.rootfs.c_str());
    if (plan.shares_mount_ns) {
        // The host's namespace: its mounts must stay, so a chroot (also with --no-pivot).
        if (::chroot(".") < 0) return f.set(errno, "chroot to rootfs");
    } else if (plan.no_pivot) {
        // chroot leaves the host's mounts in the namespace, pivot_root would not.
        if (!os::hide_host_mounts(plan.rootfs.c_str(), f)) return false;
        if (::mount(".", "/", nullptr, MS_MOVE, nullptr) < 0) return f.set(errno, "move rootfs to /");
        if (::chroot(".") < 0) return f.set(errno, "chroot to rootfs");
    } else {
        if (os::pivot_root(".", ".") < 0) return f.set(errno, "pivot_root %s", plan.rootfs.c_str());
        // The old root now sits under the new one. Make it a slave first, so that detaching it
        // never propagates an unmount back to the host.
        if (::mount(nullptr, ".", nullptr, MS_SLAVE | MS_REC, nullptr) < 0) return f.set(errno, "make old root rslave");
        if (::umount2(".", MNT_DETACH) < 0) return f.set(errno, "detach old root");
    }
    if (::chdir("/") < 0) return f.set(errno, "chdir /");
    return true;
}

// The steps after the mounts, in their order: device nodes and /dev symlinks, /dev/console and
// the cwd, masked paths, read-only paths. At the network gate the init may take some of them
// early (ContainerPlan::early), and the rest after the last mount.
enum class Phase { all, early, late };

struct PathSteps {
    const ContainerPlan& plan;
    int root;
    bool in_userns;
    Fd null_node;  // the container's own /dev/null, as berth made it: what masked files are bound to
    Fd empty_dir;  // what masked directories get (os::mask_path makes it once)

    static bool picked(const std::vector<bool>& early, size_t i, Phase phase)
    {
        bool is_early = i < early.size() && early[i];
        return phase == Phase::all || (phase == Phase::early) == is_early;
    }

    bool devices(Failure& f)
    {
        os::DeviceMaker maker(root, in_userns);
        if (plan.default_devices) {
            for (const auto& d : os::default_devices()) {
                int made = -1;
                bool is_null = d.path == "/dev/null";
                if (!maker.make(d, f, is_null ? &made : nullptr)) return false;
                if (made >= 0) null_node.reset(made);
            }
            if (!os::create_dev_symlinks(root, f)) return false;
        }
        for (const auto& d : plan.devices)
            if (!maker.make(d, f)) return false;
        return true;
    }

    bool created_paths(Failure& f)
    {
        if (plan.console) {
            // The target the pty is bound onto once it exists (after pivot_root), made while /dev
            // may still be written to (a read-only /dev turns so below), as runc makes it: 0666.
            Fd console(os::create_in_root(root, "/dev/console", os::Kind::file, 0666, f, {true}));
            if (!console) return f.wrap("create /dev/console");
        }
        if (!plan.cwd.empty()) {
            Fd cwd(os::create_in_root(root, plan.cwd, os::Kind::directory, 0755, f));
            if (!cwd) return f.wrap("create cwd");
        }
        return true;
    }

    bool take(Phase phase, Failure& f)
    {
        if (phase == Phase::all || (phase == Phase::early) == plan.early.devices)
            if (!devices(f)) return false;
        if (phase != Phase::early && !created_paths(f)) return false;
        for (size_t i = 0; i < plan.masked_paths.size(); ++i) {
            if (!picked(plan.early.masked, i, phase)) continue;
            // Without a node of its own (in a user namespace mknod is refused, and /dev then
            // holds binds of the host's nodes), the host's /dev/null, verified, bound
            // read-only. Opened here, not by berth: open_tree only clones mounts of the
            // caller's namespace.
            if (!null_node) null_node.reset(os::open_verified_devnull(f));
            if (!null_node) return false;
            if (!os::mask_path(root, plan.masked_paths[i], null_node.get(), empty_dir, f)) return false;
        }
        for (size_t i = 0; i < plan.readonly_paths.size(); ++i)
            if (picked(plan.early.readonly, i, phase) && !os::readonly_path(root, plan.readonly_paths[i], f)) return false;
        return true;
    }
};

}  // namespace

bool mount_rootfs(const ContainerPlan& plan, Fd& root, NetworkGate& network, Failure& f) noexcept
{
    if (!plan.shares_mount_ns) {
        // Shared and unbindable propagation are applied last (enter_rootfs): set at the start,
        // shared would leak every mount made here, and unbindable would refuse the rootfs's bind.
        uint64_t start_prop = plan.rootfs_propagation;
        if (start_prop & MS_SHARED) start_prop = MS_SLAVE | MS_REC;
        if (start_prop & MS_UNBINDABLE) start_prop = MS_PRIVATE | MS_REC;
        if (::mount(nullptr, "/", nullptr, start_prop, nullptr) < 0) return f.set(errno, "set propagation of /");
        // pivot_root needs the rootfs to be a mount point.
        if (::mount(plan.rootfs.c_str(), plan.rootfs.c_str(), nullptr, MS_BIND | MS_REC, nullptr) < 0)
            return f.set(errno, "bind rootfs %s", plan.rootfs.c_str());
    }
    // Sharing the host's namespace, the rootfs is berth's private copy already (launch.cpp);
    // the host's / keeps its propagation.
    root.reset(::open(plan.rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root) return f.set(errno, "open rootfs %s", plan.rootfs.c_str());

    const bool in_userns = plan.in_user_namespace() || plan.rootless;
    Fd dev_mount;  // plan.readonly_dev's mount, made read-only at the end
    PathSteps steps{plan, root.get(), in_userns, {}, {}};
    bool took_early = false;  // the early steps (plan_early_steps) were taken at the gate
    for (size_t i = 0; i < plan.mounts.size(); ++i) {
        if (plan.mounts[i].fstype == "sysfs" && network.pending()) {
            // berth is still making the network namespace: what need not wait for it first.
            if (!steps.take(Phase::early, f)) return false;
            took_early = true;
            if (!network.enter(f)) return false;
        }
        if (!os::mount_step(root.get(), plan.mounts[i], plan.cgroup_mounts, in_userns, f,
                            i == plan.readonly_dev.step ? &dev_mount : nullptr))
            return false;
    }
    if (!steps.take(took_early ? Phase::late : Phase::all, f)) return false;
    if (dev_mount) {
        struct mount_attr a {};
        a.attr_set = MOUNT_ATTR_RDONLY;
        unsigned flags = AT_EMPTY_PATH | (plan.readonly_dev.recursive ? AT_RECURSIVE : 0u);
        if (::mount_setattr(dev_mount.get(), "", flags, &a, sizeof a) < 0) return f.set(errno, "make /dev read-only");
    }
    return true;
}

bool enter_rootfs(const ContainerPlan& plan, int rootfd, Failure& f) noexcept
{
    if (!pivot(plan, rootfd, f)) return false;
    // In the host's namespace, "/" is now berth's copy of the rootfs: any propagation asked for
    // applies to it alone.
    uint64_t late_prop =
        plan.shares_mount_ns ? plan.rootfs_propagation : (plan.rootfs_propagation & (MS_SHARED | MS_UNBINDABLE));
    if (late_prop && ::mount(nullptr, "/", nullptr, late_prop, nullptr) < 0) return f.set(errno, "set rootfs propagation");
    if (plan.readonly_root) {
        struct mount_attr a {};
        a.attr_set = MOUNT_ATTR_RDONLY;
        if (::mount_setattr(AT_FDCWD, "/", 0, &a, sizeof a) < 0) return f.set(errno, "make / read-only");
    }
    return true;
}

}  // namespace berth::runtime
