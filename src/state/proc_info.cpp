#include "berth/state/proc_info.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <string>

#include "berth/util/error.hpp"
#include "berth/util/fd.hpp"

namespace berth::state {

namespace {
constexpr int state_field = 3;
constexpr int start_time_field = 22;

// Next space-separated token of s, advancing s past it; empty when none is left.
std::string_view next_token(std::string_view& s)
{
    size_t b = s.find_first_not_of(' ');
    if (b == std::string_view::npos) {
        s = {};
        return {};
    }
    size_t e = s.find(' ', b);
    std::string_view tok = s.substr(b, e == std::string_view::npos ? std::string_view::npos : e - b);
    s = e == std::string_view::npos ? std::string_view{} : s.substr(e);
    return tok;
}
}  // namespace

std::optional<ProcInfo> parse_proc_stat(std::string_view line)
{
    // Field 2 is "(comm)"; comm is up to 15 bytes of anything, so only the last ')' is reliable.
    size_t open = line.find('(');
    size_t close = line.rfind(')');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open) return std::nullopt;
    std::string_view rest = line.substr(close + 1);
    while (!rest.empty() && (rest.back() == '\n' || rest.back() == ' ')) rest.remove_suffix(1);

    ProcInfo info;
    info.exists = true;
    for (int field = state_field; field <= start_time_field; ++field) {
        std::string_view tok = next_token(rest);
        if (tok.empty()) return std::nullopt;
        if (field == state_field) {
            if (tok.size() != 1) return std::nullopt;
            info.state = tok[0];
        } else if (field == start_time_field) {
            auto [end, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), info.start_time);
            if (ec != std::errc{} || end != tok.data() + tok.size()) return std::nullopt;
        }
    }
    return info;
}

std::optional<uint64_t> parse_start_time(std::string_view stat_line)
{
    auto info = parse_proc_stat(stat_line);
    if (!info) return std::nullopt;
    return info->start_time;
}

ProcInfo read_proc_info(pid_t pid)
{
    if (pid <= 0) return {};
    std::string path = "/proc/" + std::to_string(pid) + "/stat";
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT || errno == ESRCH) return {};
        throw_errno("open " + path);
    }
    // One read: the kernel renders the whole line at once; 52 numeric fields fit easily in 4 KiB.
    char buf[4096];
    ssize_t n;
    do {
        n = ::read(fd.get(), buf, sizeof buf);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        if (errno == ESRCH) return {};  // exited and reaped between open and read
        throw_errno("read " + path);
    }
    if (n == 0) return {};
    auto info = parse_proc_stat(std::string_view(buf, static_cast<size_t>(n)));
    if (!info) throw Error("parse " + path + ": malformed stat line");
    return *info;
}

}  // namespace berth::state
