// Logging to stderr and to --log FILE (text or json). Passed by reference, never global.
// The stderr stream is an fd chosen at construction (default 2), so tests can capture it.
#pragma once
#include <string>
#include <string_view>

#include "berth/util/fd.hpp"

namespace berth {

enum class LogFormat { text, json };
enum class LogLevel { debug, info, warning, error };

class Logger {
public:
    Logger() = default;
    // Writes what would go to stderr to `stream_fd` instead (not owned; must outlive the Logger).
    explicit Logger(int stream_fd) noexcept : stream_fd_(stream_fd) {}
    // Opens the log file for appending; empty path logs to stderr only.
    void open(const std::string& path, LogFormat format, bool debug);

    void debug(std::string_view msg) const;
    // Builds the message only with --debug: the create path must not pay for formatting it.
    template <class MakeMessage>
    void debug_lazy(MakeMessage&& make) const
    {
        if (debug_) debug(make());
    }
    void info(std::string_view msg) const;
    // A problem worth the user's attention: stderr and the log file.
    void warn(std::string_view msg) const;
    // A warning for the record only: the text log file gets it at level warning, stderr never.
    // Under `run` and `create` stderr is the container's output stream, so what is expected on
    // every run of a stock config (resource limits not applied yet) must not appear there.
    void note(std::string_view msg) const;
    // A failing command calls this exactly once: one line on stderr, one object in the log.
    void error(std::string_view msg) const;

    bool debug_enabled() const noexcept { return debug_; }
    int log_fd() const noexcept { return fd_.get(); }
    int stream_fd() const noexcept { return stream_fd_; }

private:
    void emit(LogLevel level, std::string_view msg) const;
    void to_stream(std::string_view prefix, std::string_view msg) const;
    Fd fd_;
    int stream_fd_ = 2;
    LogFormat format_ = LogFormat::text;
    bool debug_ = false;
    long long started_ns_ = 0;  // CLOCK_MONOTONIC at open(): debug lines on stderr say how far in they are
};

}  // namespace berth
