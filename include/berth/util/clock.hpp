// Wall-clock timestamps as runc prints them.
#pragma once
#include <ctime>
#include <string>

namespace berth {

// Current time, RFC 3339 in UTC with nanoseconds: 2026-11-27T07:30:00.123456789Z.
std::string now_rfc3339();

// `t` (seconds since the epoch and nanoseconds) the same way. By arithmetic, not gmtime_r:
// glibc's reads /etc/localtime the first time it runs (seven system calls), whatever the zone.
std::string rfc3339_utc(const struct timespec& t);

}  // namespace berth
