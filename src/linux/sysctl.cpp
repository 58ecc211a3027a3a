#include "berth/linux/sysctl.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "berth/linux/syscalls.hpp"
#include "berth/util/fd.hpp"

namespace berth::os {

namespace {

// Beneath berth's own procfs mount, without crossing into another mount (a mount over a
// sysctl file would not be ours) and without following any link.
constexpr uint64_t beneath = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV;

int failed(Failure& f, int err, const char* what) noexcept
{
    f.set(err, "%s", what);
    return -1;
}

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n'; }

// The next whitespace-separated field of s, advancing s past it; empty at the end.
std::string_view next_field(std::string_view& s) noexcept
{
    size_t b = 0;
    while (b < s.size() && is_space(s[b])) ++b;
    size_t e = b;
    while (e < s.size() && !is_space(s[e])) ++e;
    std::string_view field = s.substr(b, e - b);
    s.remove_prefix(e);
    return field;
}

struct Number {
    bool negative = false;
    unsigned long long magnitude = 0;
};

// A whole field as an integer in C syntax (decimal, 0x hex, 0 octal), as the kernel parses them.
bool parse_number(std::string_view field, Number& out) noexcept
{
    char buf[64];
    if (field.empty() || field.size() >= sizeof buf) return false;
    if (field.front() == '-' || field.front() == '+') {
        out.negative = field.front() == '-';
        field.remove_prefix(1);
    }
    if (field.empty() || field.front() < '0' || field.front() > '9') return false;
    std::memcpy(buf, field.data(), field.size());
    buf[field.size()] = 0;
    char* end = nullptr;
    errno = 0;
    out.magnitude = std::strtoull(buf, &end, 0);
    if (errno != 0 || *end != 0) return false;
    if (out.magnitude == 0) out.negative = false;
    return true;
}

bool write_one(int sys, const SysctlSetting& s, Failure& f) noexcept
{
    const char* key = s.key.c_str();
    bool readable = true;
    Fd fd(openat2(sys, s.path.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC, 0, beneath));
    if (!fd && errno == EACCES) {  // a write-only sysctl (mode 0200): nothing to read back
        readable = false;
        fd.reset(openat2(sys, s.path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC, 0, beneath));
    }
    if (!fd) return f.set(errno, "sysctl %s: open /proc/sys/%s", key, s.path.c_str());
    struct statfs sf;
    if (::fstatfs(fd.get(), &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC)
        return f.set(EXDEV, "sysctl %s: /proc/sys/%s is not on procfs", key, s.path.c_str());
    ssize_t n = ::write(fd.get(), s.value.data(), s.value.size());
    if (n < 0) return f.set(errno, "sysctl %s: write \"%s\"", key, s.value.c_str());
    if (static_cast<size_t>(n) != s.value.size()) return f.set(EIO, "sysctl %s: short write of \"%s\"", key, s.value.c_str());
    if (!readable) return true;
    char buf[4096];
    ssize_t r = ::pread(fd.get(), buf, sizeof buf - 1, 0);
    if (r < 0) return f.set(errno, "sysctl %s: read back", key);
    std::string_view got(buf, static_cast<size_t>(r));
    if (!sysctl_value_matches(s.value, got)) {
        while (!got.empty() && is_space(got.back())) got.remove_suffix(1);
        return f.set(EINVAL, "sysctl %s: wrote \"%s\", reads back \"%.*s\"", key, s.value.c_str(),
                     static_cast<int>(got.size()), got.data());
    }
    return true;
}

}  // namespace

std::optional<std::string> sysctl_path(std::string_view key)
{
    size_t first = key.find_first_of("./");
    bool slashes = first != std::string_view::npos && key[first] == '/';
    std::string path(key);
    if (!slashes)
        for (char& c : path) c = c == '.' ? '/' : c == '/' ? '.' : c;
    std::string_view rest(path);
    for (;;) {
        size_t slash = rest.find('/');
        std::string_view comp = rest.substr(0, slash);
        if (comp.empty() || comp == "." || comp == ".." || comp.find('\0') != std::string_view::npos) return std::nullopt;
        if (slash == std::string_view::npos) break;
        rest.remove_prefix(slash + 1);
    }
    return path;
}

int open_private_procfs(Failure& f) noexcept
{
    Fd fs(::fsopen("proc", FSOPEN_CLOEXEC));
    if (!fs) return failed(f, errno, "fsopen proc");
    if (::fsconfig(fs.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0) return failed(f, errno, "create a procfs instance");
    Fd m(::fsmount(fs.get(), FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC));
    if (!m) return failed(f, errno, "fsmount proc");
    struct statfs sf;
    if (::fstatfs(m.get(), &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC) return failed(f, EXDEV, "berth's procfs mount is not procfs");
    return m.release();
}

bool apply_sysctls(const std::vector<SysctlSetting>& settings, Failure& f) noexcept
{
    if (settings.empty()) return true;
    Fd proc(open_private_procfs(f));
    if (!proc) return false;
    Fd sys(openat2(proc.get(), "sys", O_PATH | O_DIRECTORY | O_CLOEXEC, 0, beneath));
    if (!sys) return f.set(errno, "open /proc/sys in berth's procfs");
    for (const auto& s : settings)
        if (!write_one(sys.get(), s, f)) return false;
    return true;
}

bool sysctl_value_matches(std::string_view wrote, std::string_view read) noexcept
{
    for (;;) {
        std::string_view a = next_field(wrote), b = next_field(read);
        if (a.empty() || b.empty()) return a.empty() && b.empty();
        if (a == b) continue;
        Number x, y;
        if (!parse_number(a, x) || !parse_number(b, y) || x.negative != y.negative || x.magnitude != y.magnitude)
            return false;
    }
}

}  // namespace berth::os
