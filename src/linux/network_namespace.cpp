#include "berth/linux/network_namespace.hpp"

#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "berth/util/error.hpp"

namespace berth::os {

namespace {

bool same_file(int a_fd, const char* b_path)
{
    struct stat a {}, b {};
    return ::fstat(a_fd, &a) == 0 && ::stat(b_path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

}  // namespace

std::optional<NetworkNamespaceMaker> NetworkNamespaceMaker::for_this_process()
{
    if (::geteuid() != 0) return std::nullopt;
    Fd own(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
    if (!own) return std::nullopt;
    Fd owner(::ioctl(own.get(), NS_GET_USERNS));
    if (!owner || !same_file(owner.get(), "/proc/thread-self/ns/user")) return std::nullopt;
    return NetworkNamespaceMaker(std::move(own));
}

Fd NetworkNamespaceMaker::make() const
{
    if (::unshare(CLONE_NEWNET) < 0) throw_errno("create the network namespace");
    Fd made(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
    int open_err = errno;
    if (::setns(own_.get(), CLONE_NEWNET) < 0)
        throw_errno("return to berth's own network namespace after making the container's");
    if (!made) throw_errno(open_err, "open the new network namespace");
    return made;
}

}  // namespace berth::os
