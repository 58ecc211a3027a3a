// Private to src/spec: walks an nlohmann::json document while tracking the JSON path,
// so every type or range error can say exactly where it is.
#pragma once
#include <concepts>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

namespace berth::spec::detail {

// jq-style path of a member: ".key" for identifier-like keys, `["net.ipv4.ip_forward"]` otherwise.
std::string member_path(std::string_view parent, std::string_view key);
std::string element_path(std::string_view parent, size_t index);

// Throws berth::Error "<source>: <path>: <problem>" (path "" is shown as ".").
[[noreturn]] void fail_at(std::string_view source, std::string_view path, std::string_view problem);

// "string", "integer", "number", "boolean", "object", "array", "null".
std::string_view json_type_name(const nlohmann::json& v);

class Node {
public:
    Node(const nlohmann::json& value, std::string path, std::string_view source)
        : v_(&value), path_(std::move(path)), source_(source)
    {
    }

    const nlohmann::json& json() const noexcept { return *v_; }
    const std::string& path() const noexcept { return path_; }
    std::string_view source() const noexcept { return source_; }

    [[noreturn]] void fail(std::string_view problem) const { fail_at(source_, path_, problem); }

    void require_object() const;
    void require_array() const;

    // Member of an object node; nullopt when missing or null (Go's encoding/json treats
    // null as absent, and engines emit it).
    std::optional<Node> member(std::string_view key) const;
    // Like member(), but a missing member is "<path>.key: required field missing".
    Node required(std::string_view key) const;

    template <class F>
    void each_element(F&& f) const
    {
        require_array();
        for (size_t i = 0; i < v_->size(); ++i) f(Node((*v_)[i], element_path(path_, i), source_));
    }

    // f(key, node) for each member of an object.
    template <class F>
    void each_member(F&& f) const
    {
        require_object();
        for (auto it = v_->begin(); it != v_->end(); ++it)
            f(it.key(), Node(it.value(), member_path(path_, it.key()), source_));
    }

    std::string as_string() const;
    bool as_bool() const;

    template <std::integral T>
    T as_int() const
    {
        constexpr auto lo = std::numeric_limits<T>::min();
        constexpr auto hi = std::numeric_limits<T>::max();
        if (v_->is_number_unsigned()) {
            auto u = v_->get<uint64_t>();
            if (std::cmp_greater(u, hi)) fail_range(std::to_string(lo), std::to_string(hi));
            return static_cast<T>(u);
        }
        if (v_->is_number_integer()) {
            auto s = v_->get<int64_t>();
            if (std::cmp_less(s, lo) || std::cmp_greater(s, hi))
                fail_range(std::to_string(lo), std::to_string(hi));
            return static_cast<T>(s);
        }
        fail_not_integer(std::is_unsigned_v<T>, std::to_string(lo), std::to_string(hi));
    }

private:
    [[noreturn]] void fail_type(std::string_view expected) const;
    [[noreturn]] void fail_range(const std::string& lo, const std::string& hi) const;
    // Floats and non-numbers; a float too large for any integer is a range error.
    [[noreturn]] void fail_not_integer(bool want_unsigned, const std::string& lo, const std::string& hi) const;

    const nlohmann::json* v_;
    std::string path_;
    std::string_view source_;
};

}  // namespace berth::spec::detail
