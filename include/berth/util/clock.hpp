// Wall-clock timestamps as runc prints them.
#pragma once
#include <string>

namespace berth {

// Current time, RFC 3339 in UTC with nanoseconds: 2026-11-27T07:30:00.123456789Z.
std::string now_rfc3339();

}  // namespace berth
