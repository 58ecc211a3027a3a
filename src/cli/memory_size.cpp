#include "memory_size.hpp"

#include <cctype>
#include <cmath>
#include <string>

#include "berth/util/error.hpp"

namespace berth::cli {

int64_t parse_memory_size(std::string_view text, std::string_view flag)
{
    auto bad = [&]() -> Error { return Error(std::string(flag) + ": invalid size \"" + std::string(text) + "\""); };
    if (text == "-1") return -1;
    size_t i = 0;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    std::string number(text.substr(0, i));
    if (number.empty() || number.front() == '.' || number.back() == '.') throw bad();
    std::string_view unit = text.substr(i);
    if (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
    double mult = 1;
    if (!unit.empty()) {
        const std::string_view prefixes = "kmgtp";
        size_t p = prefixes.find(static_cast<char>(std::tolower(static_cast<unsigned char>(unit.front()))));
        if (p != std::string_view::npos) {
            mult = std::pow(1024.0, static_cast<double>(p + 1));
            unit.remove_prefix(1);
        }
        if (!unit.empty() && (unit.front() == 'i' || unit.front() == 'I')) unit.remove_prefix(1);
        if (!unit.empty() && (unit.front() == 'b' || unit.front() == 'B')) unit.remove_prefix(1);
        if (!unit.empty()) throw bad();
    }
    double v;
    try {
        v = std::stod(number) * mult;
    } catch (const std::exception&) {
        throw bad();
    }
    if (!(v < 9.2e18)) throw bad();
    return static_cast<int64_t>(v);
}

}  // namespace berth::cli
