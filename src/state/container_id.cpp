#include "berth/state/container_id.hpp"

#include <string>

#include "berth/util/error.hpp"

namespace berth::state {

namespace {

// Plain ASCII test: std::isalnum depends on the locale, and ids must mean the same everywhere.
constexpr bool is_id_char(char c) noexcept
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '+' || c == '.' || c == '-';
}

// Why `id` is invalid, or nullptr when it is valid.
const char* invalid_reason(std::string_view id) noexcept
{
    if (id.empty()) return "must not be empty";
    if (id.size() > max_container_id_length) return "longer than 1024 characters";
    if (id == "." || id == "..") return "must not be \".\" or \"..\"";
    for (char c : id) {
        if (c == '/') return "must not contain '/'";
        if (!is_id_char(c)) return "may only contain letters, digits, '_', '+', '.' and '-'";
    }
    return nullptr;
}

}  // namespace

bool is_valid_container_id(std::string_view id) noexcept { return invalid_reason(id) == nullptr; }

void validate_container_id(std::string_view id)
{
    if (const char* why = invalid_reason(id)) throw Error("invalid container id \"" + std::string(id) + "\": " + why);
}

}  // namespace berth::state
