#include "berth/util/clock.hpp"

#include <cstdio>

namespace berth {

std::string rfc3339_utc(const struct timespec& t)
{
    // Days since 1970-01-01 to a proleptic Gregorian date, in 400-year eras of 146097 days
    // counted from 0000-03-01 (so that the leap day ends a year).
    long long secs = t.tv_sec;
    long long days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    long long rem = secs - days * 86400;
    long long z = days + 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;                                    // [0, 146096]
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);             // [0, 365]
    long long mp = (5 * doy + 2) / 153;                                  // [0, 11], from March
    long long day = doy - (153 * mp + 2) / 5 + 1;
    long long month = mp < 10 ? mp + 3 : mp - 9;
    long long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%09ldZ", year, month, day, rem / 3600,
                  rem / 60 % 60, rem % 60, static_cast<long>(t.tv_nsec));
    return buf;
}

std::string now_rfc3339()
{
    struct timespec ts;
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return rfc3339_utc(ts);
}

}  // namespace berth
