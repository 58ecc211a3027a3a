#include "berth/util/args.hpp"

namespace berth {

std::vector<std::string> normalize_single_dash(const std::vector<std::string>& args, const std::set<std::string>& long_flags,
                                               size_t stop)
{
    std::vector<std::string> out;
    out.reserve(args.size());
    bool done = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (i >= stop || a == "--") done = true;
        if (!done && a.size() > 2 && a[0] == '-' && a[1] != '-') {
            std::string name = a.substr(1, a.find('=') == std::string::npos ? std::string::npos : a.find('=') - 1);
            if (long_flags.count(name)) {
                out.push_back("-" + a);
                continue;
            }
        }
        out.push_back(a);
    }
    return out;
}

std::string find_command(const std::vector<std::string>& args, const std::set<std::string>& flags_with_value)
{
    size_t i = find_operand(args, 0, flags_with_value);
    return i == std::string::npos ? "" : args[i];
}

size_t find_operand(const std::vector<std::string>& args, size_t from, const std::set<std::string>& flags_with_value)
{
    for (size_t i = from; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--") return std::string::npos;
        if (a.empty() || a[0] != '-') return i;
        if (flags_with_value.count(a)) ++i;
    }
    return std::string::npos;
}

std::vector<std::string> end_exec_options(const std::vector<std::string>& raw, const std::vector<std::string>& normalized,
                                          const std::set<std::string>& global_with_value,
                                          const std::set<std::string>& exec_with_value)
{
    size_t cmd = find_operand(normalized, 0, global_with_value);
    if (cmd == std::string::npos || normalized[cmd] != "exec") return normalized;
    size_t id = find_operand(normalized, cmd + 1, exec_with_value);
    if (id == std::string::npos) return normalized;
    std::vector<std::string> out(normalized.begin(), normalized.begin() + static_cast<std::ptrdiff_t>(id) + 1);
    out.push_back("--");
    size_t rest = id + 1;
    if (rest < raw.size() && raw[rest] == "--") ++rest;  // "exec ID -- CMD" as well
    out.insert(out.end(), raw.begin() + static_cast<std::ptrdiff_t>(rest), raw.end());
    return out;
}

}  // namespace berth
