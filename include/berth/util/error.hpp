// Error type with a context chain: "create c1: mount /proc on rootfs/proc: operation not permitted".
#pragma once
#include <cerrno>
#include <exception>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "berth/util/failure.hpp"

namespace berth {

// errno rendered the way Go (runc) renders it: lower-case strerror text, e.g.
// "no such file or directory", "permission denied". Container engines match these phrases.
std::string errno_text(int err);

class Error : public std::exception {
public:
    explicit Error(std::string message, int err = 0);

    // An error from a system call: "<what>: <errno text>".
    static Error sys(int err, std::string_view what);

    // Prepends a context element; outermost context ends up first.
    Error& context(std::string_view ctx) &;
    Error&& context(std::string_view ctx) &&;

    const char* what() const noexcept override { return rendered_.c_str(); }
    const std::string& message() const noexcept { return rendered_; }
    // errno that caused it, 0 when not a system error.
    int code() const noexcept { return err_; }

private:
    void render();
    std::vector<std::string> chain_;  // outermost first
    int err_ = 0;
    std::string rendered_;
};

// Throws Error::sys(errno, what).
[[noreturn]] void throw_errno(std::string_view what);
[[noreturn]] void throw_errno(int err, std::string_view what);

// A failure reported by a child (failure.hpp) as an Error: "<msg>: <errno text>".
Error failure_error(const Failure& f);

// Runs f(); an Error escaping it gets `ctx` prepended.
template <class F>
decltype(auto) with_context(std::string_view ctx, F&& f)
{
    try {
        return std::forward<F>(f)();
    } catch (Error& e) {
        e.context(ctx);
        throw;
    }
}

}  // namespace berth
