#include "berth/linux/lsm.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>

#ifdef BERTH_HAVE_SELINUX
#include <selinux/selinux.h>
#endif

#include "berth/util/fd.hpp"
#include "berth/util/file.hpp"

namespace berth::os {

namespace {

bool apparmor_enabled()
{
    // As the AppArmor tools decide: the module says Y and its securityfs is there to load profiles.
    if (!path_exists("/sys/kernel/security/apparmor")) return false;
    Fd fd(::open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC));
    char c = 0;
    return fd && ::read(fd.get(), &c, 1) == 1 && c == 'Y';
}

}  // namespace

LsmSupport probe_lsms()
{
    LsmSupport s;
    s.apparmor = apparmor_enabled();
#ifdef BERTH_HAVE_SELINUX
    s.selinux_built = true;
    s.selinux = ::is_selinux_enabled() == 1;
#endif
    return s;
}

ExecLabel apparmor_exec_label(const std::string& profile) { return {Lsm::apparmor, "exec " + profile}; }

ExecLabel selinux_exec_label(const std::string& context) { return {Lsm::selinux, context}; }

std::string selinux_context_problem([[maybe_unused]] const std::string& context)
{
#ifdef BERTH_HAVE_SELINUX
    if (::security_check_context(context.c_str()) < 0) return "not a valid context in the loaded policy";
    return {};
#else
    return "berth was built without SELinux support";
#endif
}

int open_exec_label_attr(Lsm lsm, Failure& f) noexcept
{
    Fd fd;
    // Linux >= 5.8 gives AppArmor its own attr directory; older kernels share attr/exec.
    if (lsm == Lsm::apparmor) fd.reset(::open("/proc/thread-self/attr/apparmor/exec", O_WRONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd) fd.reset(::open("/proc/thread-self/attr/exec", O_WRONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd) {
        f.set(errno, "open /proc/thread-self/attr/exec for the %s label", lsm == Lsm::apparmor ? "AppArmor" : "SELinux");
        return -1;
    }
    struct statfs sf;
    if (::fstatfs(fd.get(), &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC) {
        f.set(EXDEV, "/proc/thread-self/attr/exec is not on procfs");
        return -1;
    }
    return fd.release();
}

bool write_exec_label(int fd, const ExecLabel& label, Failure& f) noexcept
{
    ssize_t n = ::write(fd, label.value.data(), label.value.size());
    if (n == static_cast<ssize_t>(label.value.size())) return true;
    return f.set(n < 0 ? errno : EIO, "%s: set the exec label \"%s\"", label.lsm == Lsm::apparmor ? "AppArmor" : "SELinux",
                 label.value.c_str());
}

}  // namespace berth::os
