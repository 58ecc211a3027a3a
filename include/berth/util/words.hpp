// Lists of words in messages and debug lines: "mount network pid".
#pragma once
#include <string>
#include <vector>

namespace berth {

inline std::string joined(const std::vector<std::string>& words)
{
    std::string out;
    for (const auto& w : words) {
        if (!out.empty()) out += ' ';
        out += w;
    }
    return out;
}

}  // namespace berth
