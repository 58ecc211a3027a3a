#include "berth/util/error.hpp"

#include <cctype>
#include <cstring>

namespace berth {

std::string errno_text(int err)
{
    char buf[128];
    // GNU strerror_r returns a pointer that may or may not be buf.
    const char* s = strerror_r(err, buf, sizeof buf);
    std::string out(s);
    if (!out.empty()) out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
    return out;
}

Error::Error(std::string message, int err) : err_(err)
{
    chain_.push_back(std::move(message));
    render();
}

Error Error::sys(int err, std::string_view what)
{
    std::string m(what);
    m += ": ";
    m += errno_text(err);
    return Error(std::move(m), err);
}

Error& Error::context(std::string_view ctx) &
{
    chain_.insert(chain_.begin(), std::string(ctx));
    render();
    return *this;
}

Error&& Error::context(std::string_view ctx) &&
{
    context(ctx);
    return std::move(*this);
}

void Error::render()
{
    rendered_.clear();
    for (size_t i = 0; i < chain_.size(); ++i) {
        if (i) rendered_ += ": ";
        rendered_ += chain_[i];
    }
}

void throw_errno(std::string_view what) { throw Error::sys(errno, what); }
void throw_errno(int err, std::string_view what) { throw Error::sys(err, what); }

Error failure_error(const Failure& f)
{
    // Bounded: the report crossed a socket from a process that may not have terminated it.
    std::string m(f.msg, ::strnlen(f.msg, sizeof f.msg));
    if (f.err) m += ": " + errno_text(f.err);
    return Error(std::move(m), f.err);
}

}  // namespace berth
