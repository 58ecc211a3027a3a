// Waiting for what the kernel finishes asynchronously (a process to exit, a cgroup to empty
// or to freeze) without a fixed sleep.
#pragma once
#include <chrono>
#include <functional>

namespace berth {

// Calls done() until it returns true or `deadline` passes; returns whether done() succeeded.
// done() runs at least once. Between calls it sleeps 0.2 ms at first, doubling up to 50 ms:
// quick for what is nearly finished, cheap for what takes long.
bool poll_until(std::chrono::steady_clock::time_point deadline, const std::function<bool()>& done);

}  // namespace berth
