// A failure report that needs no allocation: errno plus a formatted message in a fixed buffer.
// Used by code that runs in the container init between clone and execve, where exceptions must
// not be thrown and the report has to cross the sync socket as plain bytes.
#pragma once
#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace berth {

struct Failure {
    int err = 0;
    char msg[1024] = {};

    // Records the failure and returns false so callers can `return f.set(...)`.
    [[gnu::format(printf, 3, 4)]] bool set(int e, const char* fmt, ...) noexcept
    {
        err = e;
        va_list ap;
        va_start(ap, fmt);
        std::vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        return false;
    }
    // Prepends "ctx: " to the message (outer context first); the tail is cut if it won't fit.
    [[gnu::format(printf, 2, 3)]] bool wrap(const char* fmt, ...) noexcept
    {
        char prefix[512];
        va_list ap;
        va_start(ap, fmt);
        std::vsnprintf(prefix, sizeof prefix, fmt, ap);
        va_end(ap);
        size_t plen = std::strlen(prefix);
        size_t olen = std::strlen(msg);
        size_t keep = olen < sizeof msg - plen - 3 ? olen : sizeof msg - plen - 3;
        std::memmove(msg + plen + 2, msg, keep);
        std::memcpy(msg, prefix, plen);
        msg[plen] = ':';
        msg[plen + 1] = ' ';
        msg[plen + 2 + keep] = 0;
        return false;
    }
};

}  // namespace berth
