#include "berth/util/log.hpp"

#include <fcntl.h>
#include <unistd.h>

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

}  // namespace

void Logger::open(const std::string& path, LogFormat format, bool debug)
{
    format_ = format;
    debug_ = debug;
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
        line = "time=\"" + now_rfc3339() + "\" level=" + level_name(level) + " msg=\"" + std::string(msg) + "\"";
    }
    line += '\n';
    (void)write_all(fd_.get(), line.data(), line.size());
}

void Logger::debug(std::string_view msg) const
{
    if (!debug_) return;
    emit(LogLevel::debug, msg);
    if (!fd_) {
        std::string line = "berth: debug: " + std::string(msg) + "\n";
        (void)write_all(2, line.data(), line.size());
    }
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
    std::string line = "berth: warning: " + std::string(msg) + "\n";
    (void)write_all(2, line.data(), line.size());
}

void Logger::error(std::string_view msg) const
{
    emit(LogLevel::error, msg);
    std::string line = "berth: " + std::string(msg) + "\n";
    (void)write_all(2, line.data(), line.size());
}

}  // namespace berth
