#include "berth/linux/network_namespace.hpp"

#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>

#include "berth/util/error.hpp"

namespace berth::os {

std::optional<NetworkNamespaceMaker> NetworkNamespaceMaker::for_this_process()
{
    Fd own(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
    if (!own) return std::nullopt;
    // The kernel hands out the owner only when it is berth's user namespace or one below it,
    // exactly where berth (root there) holds the CAP_SYS_ADMIN that setns checks; EPERM else.
    Fd owner(::ioctl(own.get(), NS_GET_USERNS));
    if (!owner) return std::nullopt;
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
