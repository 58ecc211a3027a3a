#include "berth/linux/net_stats.hpp"

#include <sys/stat.h>

#include <array>
#include <charconv>

#include "berth/util/file.hpp"

namespace berth::os {

std::vector<NetInterfaceStats> parse_net_dev(std::string_view text)
{
    std::vector<NetInterfaceStats> out;
    while (!text.empty()) {
        size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        // The header lines have a '|' before any ':'; interface lines "  eth0: 1 2 ...".
        size_t colon = line.find(':');
        if (colon == std::string_view::npos || line.substr(0, colon).find('|') != std::string_view::npos) continue;
        std::string_view name = line.substr(0, colon);
        while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
        if (name.empty()) continue;
        std::array<uint64_t, 16> v{};
        std::string_view rest = line.substr(colon + 1);
        size_t got = 0;
        for (; got < v.size(); ++got) {
            while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
            auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), v[got]);
            if (ec != std::errc()) break;
            rest.remove_prefix(static_cast<size_t>(p - rest.data()));
        }
        if (got != v.size()) continue;
        // receive: bytes packets errs drop fifo frame compressed multicast; transmit: bytes
        // packets errs drop fifo colls carrier compressed.
        out.push_back({std::string(name), v[0], v[1], v[2], v[3], v[8], v[9], v[10], v[11]});
    }
    return out;
}

std::optional<std::vector<NetInterfaceStats>> read_net_dev(pid_t pid)
{
    try {
        auto text = read_file_if_exists("/proc/" + std::to_string(pid) + "/net/dev");
        if (!text) return std::nullopt;
        return parse_net_dev(*text);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::optional<bool> shares_net_namespace(pid_t pid)
{
    // stat(2) follows the ns links to the nsfs inodes: same device and inode, same namespace.
    struct stat theirs{}, ours{};
    if (::stat(("/proc/" + std::to_string(pid) + "/ns/net").c_str(), &theirs) < 0) return std::nullopt;
    if (::stat("/proc/self/ns/net", &ours) < 0) return std::nullopt;
    return theirs.st_dev == ours.st_dev && theirs.st_ino == ours.st_ino;
}

}  // namespace berth::os
