#include "berth/util/signals.hpp"

#include <signal.h>

#include <cctype>
#include <charconv>
#include <string>

namespace berth {

namespace {
struct Named {
    std::string_view name;
    int number;
};
constexpr Named signal_names[] = {
    {"HUP", SIGHUP},       {"INT", SIGINT},       {"QUIT", SIGQUIT},     {"ILL", SIGILL},   {"TRAP", SIGTRAP},
    {"ABRT", SIGABRT},     {"IOT", SIGIOT},       {"BUS", SIGBUS},       {"FPE", SIGFPE},   {"KILL", SIGKILL},
    {"USR1", SIGUSR1},     {"SEGV", SIGSEGV},     {"USR2", SIGUSR2},     {"PIPE", SIGPIPE}, {"ALRM", SIGALRM},
    {"TERM", SIGTERM},     {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD},     {"CLD", SIGCHLD},  {"CONT", SIGCONT},
    {"STOP", SIGSTOP},     {"TSTP", SIGTSTP},     {"TTIN", SIGTTIN},     {"TTOU", SIGTTOU}, {"URG", SIGURG},
    {"XCPU", SIGXCPU},     {"XFSZ", SIGXFSZ},     {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF}, {"WINCH", SIGWINCH},
    {"IO", SIGIO},         {"POLL", SIGPOLL},     {"PWR", SIGPWR},       {"SYS", SIGSYS},
};
}  // namespace

std::optional<int> parse_signal(std::string_view text)
{
    if (text.empty()) return std::nullopt;
    if (std::isdigit(static_cast<unsigned char>(text.front()))) {
        int n = 0;
        auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (ec != std::errc() || p != text.data() + text.size() || n < 1 || n > SIGRTMAX) return std::nullopt;
        return n;
    }
    std::string up;
    for (char c : text) up += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::string_view name(up);
    if (name.substr(0, 3) == "SIG") name.remove_prefix(3);
    for (const auto& s : signal_names)
        if (s.name == name) return s.number;
    // RTMIN, RTMIN+3, RTMAX-2
    auto rt = [&](std::string_view base, int value, int dir) -> std::optional<int> {
        if (name.substr(0, base.size()) != base) return std::nullopt;
        std::string_view rest = name.substr(base.size());
        if (rest.empty()) return value;
        if ((dir > 0 && rest.front() != '+') || (dir < 0 && rest.front() != '-')) return std::nullopt;
        int off = 0;
        auto [p, ec] = std::from_chars(rest.data() + 1, rest.data() + rest.size(), off);
        if (ec != std::errc() || p != rest.data() + rest.size()) return std::nullopt;
        int v = value + dir * off;
        if (v < SIGRTMIN || v > SIGRTMAX) return std::nullopt;
        return v;
    };
    if (auto v = rt("RTMIN", SIGRTMIN, 1)) return v;
    if (auto v = rt("RTMAX", SIGRTMAX, -1)) return v;
    return std::nullopt;
}

}  // namespace berth
