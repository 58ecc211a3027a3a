#include "berth/util/log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <string>

#include <nlohmann/json.hpp>

#include "berth/util/clock.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"

namespace berth {

namespace {
const char* level_name(LogLevel l)
{
    switch (l) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warning: return "warning";
    case LogLevel::error: return "error";
    }
    return "info";
}

// The msg value of a text line, quoted as logrus quotes it: backslash, double quote and
// control characters escaped, so that every line parses back as key="value" pairs.
std::string quoted(std::string_view msg)
{
    std::string out;
    out.reserve(msg.size() + 2);
    out += '"';
    for (char c : msg) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                static const char hex[] = "0123456789abcdef";
                out += "\\x";
                out += hex[(c >> 4) & 0xf];
                out += hex[c & 0xf];
            } else {
                out += c;
            }
        }
    }
    out += '"';
    return out;
}

long long monotonic_ns() noexcept
{
    struct timespec ts {};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<long long>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

}  // namespace

void Logger::open(const std::string& path, LogFormat format, bool debug)
{
    format_ = format;
    debug_ = debug;
    started_ns_ = monotonic_ns();
    if (path.empty()) return;
    fd_ = open_or_throw(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
}

void Logger::emit(LogLevel level, std::string_view msg) const
{
    if (!fd_) return;
    std::string line;
    if (format_ == LogFormat::json) {
        nlohmann::json j{{"level", level_name(level)}, {"msg", msg}, {"time", now_rfc3339()}};
        line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } else {
        line = "time=\"" + now_rfc3339() + "\" level=" + level_name(level) + " msg=" + quoted(msg);
    }
    line += '\n';
    (void)write_all(fd_.get(), line.data(), line.size());
}

// One write per line, as before: "<prefix><msg>\n".
void Logger::to_stream(std::string_view prefix, std::string_view msg) const
{
    std::string line;
    line.reserve(prefix.size() + msg.size() + 1);
    line.append(prefix).append(msg) += '\n';
    (void)write_all(stream_fd_, line.data(), line.size());
}

void Logger::debug(std::string_view msg) const
{
    if (!debug_) return;
    emit(LogLevel::debug, msg);
    if (fd_) return;
    // Where the time goes (issue 13): each step's time since the command started.
    char elapsed[40];
    std::snprintf(elapsed, sizeof elapsed, " (+%.3f ms)", static_cast<double>(monotonic_ns() - started_ns_) / 1e6);
    std::string line(msg);
    line += elapsed;
    to_stream("berth: debug: ", line);
}

void Logger::info(std::string_view msg) const
{
    if (format_ == LogFormat::text) emit(LogLevel::info, msg);
}

void Logger::warn(std::string_view msg) const
{
    // A JSON log keeps error objects only: podman reads the whole file as one JSON object
    // after a failure, so earlier warnings there would hide the error.
    if (format_ == LogFormat::text) emit(LogLevel::warning, msg);
    to_stream("berth: warning: ", msg);
}

void Logger::note(std::string_view msg) const
{
    // Not in a JSON log either, for the same reason as warn().
    if (format_ == LogFormat::text) emit(LogLevel::warning, msg);
}

void Logger::error(std::string_view msg) const
{
    emit(LogLevel::error, msg);
    to_stream("berth: ", msg);
}

}  // namespace berth
