#include "backoff.hpp"

#include <algorithm>

namespace berth::pull {

std::chrono::milliseconds backoff_delay(const RegistryOptions& o, int attempt, const std::string& retry_after)
{
    if (!retry_after.empty() && retry_after.find_first_not_of("0123456789") == std::string::npos && retry_after.size() < 6)
        return std::min(std::chrono::milliseconds(std::stol(retry_after) * 1000), std::chrono::milliseconds(30000));
    auto d = o.backoff * (1L << std::min(attempt - 1, 6));
    return std::min<std::chrono::milliseconds>(d, std::chrono::milliseconds(8000));
}

}  // namespace berth::pull
