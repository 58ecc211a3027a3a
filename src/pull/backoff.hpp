// How long to wait before retrying a registry request.
#pragma once
#include <chrono>
#include <string>

#include "berth/pull/registry.hpp"

namespace berth::pull {

// The server's Retry-After (seconds, at most 30 s) when it sent one; else the options' backoff
// doubled at each attempt (1-based), at most 8 s.
std::chrono::milliseconds backoff_delay(const RegistryOptions& o, int attempt, const std::string& retry_after);

}  // namespace berth::pull
