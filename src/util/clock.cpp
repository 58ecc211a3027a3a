#include "berth/util/clock.hpp"

#include <cstdio>
#include <ctime>

namespace berth {

std::string now_rfc3339()
{
    struct timespec ts;
    ::clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    ::gmtime_r(&ts.tv_sec, &tm);
    // Not strftime: glibc's reads /etc/localtime for it (five system calls) even for UTC.
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long>(ts.tv_nsec));
    return buf;
}

}  // namespace berth
