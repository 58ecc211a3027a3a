#include "berth/spec/config.hpp"

namespace berth::spec {

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
