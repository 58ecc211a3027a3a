#include "berth/spec/config.hpp"

#include <array>
#include <utility>

namespace berth::spec {

namespace {
constexpr std::array<std::pair<NamespaceType, std::string_view>, 8> namespace_names{{
    {NamespaceType::pid, "pid"},
    {NamespaceType::network, "network"},
    {NamespaceType::mount, "mount"},
    {NamespaceType::ipc, "ipc"},
    {NamespaceType::uts, "uts"},
    {NamespaceType::user, "user"},
    {NamespaceType::cgroup, "cgroup"},
    {NamespaceType::time, "time"},
}};
}  // namespace

std::string_view to_string(NamespaceType type)
{
    for (const auto& [t, name] : namespace_names)
        if (t == type) return name;
    return "unknown";
}

std::optional<NamespaceType> namespace_type_from_string(std::string_view name)
{
    for (const auto& [t, n] : namespace_names)
        if (n == name) return t;
    return std::nullopt;
}

}  // namespace berth::spec
