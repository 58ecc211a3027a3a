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
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a.empty() || a[0] != '-') return a;
        if (flags_with_value.count(a)) ++i;
    }
    return "";
}

}  // namespace berth
