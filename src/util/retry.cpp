#include "berth/util/retry.hpp"

#include <algorithm>
#include <thread>

namespace berth {

bool poll_until(std::chrono::steady_clock::time_point deadline, const std::function<bool()>& done)
{
    using namespace std::chrono_literals;
    using Clock = std::chrono::steady_clock;
    std::chrono::microseconds delay = 200us;
    for (;;) {
        if (done()) return true;
        auto now = Clock::now();
        if (now >= deadline) return false;
        std::this_thread::sleep_for(std::min<Clock::duration>(delay, deadline - now));
        delay = std::min<std::chrono::microseconds>(delay * 2, 50ms);
    }
}

}  // namespace berth
