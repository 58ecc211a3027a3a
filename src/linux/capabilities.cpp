#include "berth/linux/capabilities.hpp"

#include <sys/capability.h>

#include <cctype>

namespace berth::os {

std::optional<int> capability_from_name(std::string_view name)
{
    if (!name.starts_with("CAP_") || name.size() > 64) return std::nullopt;
    for (char c : name)
        if (!(std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_'))
            return std::nullopt;
    std::string z(name);
    cap_value_t v = -1;
    if (::cap_from_name(z.c_str(), &v) < 0 || v < 0) return std::nullopt;
    return static_cast<int>(v);
}

std::string capability_name(int cap)
{
    if (cap < 0 || cap > CAP_LAST_CAP) return {};
    char* raw = ::cap_to_name(static_cast<cap_value_t>(cap));
    if (!raw) return {};
    std::string n(raw);
    ::cap_free(raw);
    // libcap prints unnamed numbers as digits.
    if (!n.starts_with("cap_")) return {};
    for (auto& c : n) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return n;
}

std::vector<std::string> capability_names()
{
    std::vector<std::string> out;
    for (int i = 0; i <= CAP_LAST_CAP; ++i)
        if (auto n = capability_name(i); !n.empty()) out.push_back(std::move(n));
    return out;
}

unsigned capability_count() { return static_cast<unsigned>(::cap_max_bits()); }

}  // namespace berth::os
