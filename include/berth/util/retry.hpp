// Polling with back-off, for waits the kernel offers no event for (a process gone, a cgroup
// emptied, a freezer settled).
#pragma once
#include <algorithm>
#include <chrono>
#include <thread>

namespace berth {

// Calls done() until it returns true (-> true) or `deadline` passes (-> false), sleeping
// 0.5 ms, then twice as long each round, at most 50 ms.
template <class Done>
bool poll_until(std::chrono::steady_clock::time_point deadline, Done&& done)
{
    using namespace std::chrono;
    microseconds delay(500);
    for (;;) {
        if (done()) return true;
        auto now = steady_clock::now();
        if (now >= deadline) return false;
        std::this_thread::sleep_for(std::min<steady_clock::duration>(delay, deadline - now));
        delay = std::min<microseconds>(delay * 2, milliseconds(50));
    }
}

}  // namespace berth
