// Reads an nlohmann::json document while tracking the JSON path, so that every type or range
// error says exactly where it is: "<source>: <path>: <problem>", e.g.
// "config.json: .process.user.uid: expected unsigned integer, got string". Used for
// config.json and process.json (spec), state.json (state) and the cgroup state in it (cgroups).
#pragma once
#include <concepts>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

namespace berth {

// Parses a whole document; syntax errors read "<source>: invalid JSON: <what and where>".
nlohmann::json parse_json(std::string_view text, std::string_view source);
// A document that was a member's value, at `path` of `source`: "<source>: <path>: invalid JSON: ...".
nlohmann::json parse_json_at(std::string_view text, std::string_view source, std::string_view path);

// jq-style path of a member: ".key" for identifier-like keys, `["net.ipv4.ip_forward"]` otherwise.
std::string json_member_path(std::string_view parent, std::string_view key);
std::string json_element_path(std::string_view parent, size_t index);

// Throws berth::Error "<source>: <path>: <problem>" (path "" is shown as ".").
[[noreturn]] void fail_at_json_path(std::string_view source, std::string_view path, std::string_view problem);

// "string", "integer", "number", "boolean", "object", "array", "null".
std::string_view json_type_name(const nlohmann::json& v);

// A value in a document and its path. Holds pointers: the document and `source` must outlive it.
class JsonNode {
public:
    JsonNode(const nlohmann::json& value, std::string path, std::string_view source)
        : v_(&value), path_(std::move(path)), source_(source)
    {
    }

    const nlohmann::json& json() const noexcept { return *v_; }
    const std::string& path() const noexcept { return path_; }
    std::string_view source() const noexcept { return source_; }

    [[noreturn]] void fail(std::string_view problem) const { fail_at_json_path(source_, path_, problem); }

    void require_object() const;
    void require_array() const;

    // Member of an object node; nullopt when missing or null (Go's encoding/json treats
    // null as absent, and engines emit it).
    std::optional<JsonNode> member(std::string_view key) const;
    // Like member(), but a null member is returned too, for formats where null is not a value
    // (as_string() and the like then reject it): nullopt only when the key is missing.
    std::optional<JsonNode> find(std::string_view key) const;
    // Like member(), but a missing member is "<path>.key: required field missing".
    JsonNode required(std::string_view key) const;

    template <class F>
    void each_element(F&& f) const
    {
        require_array();
        for (size_t i = 0; i < v_->size(); ++i) f(JsonNode((*v_)[i], json_element_path(path_, i), source_));
    }

    // f(key, node) for each member of an object.
    template <class F>
    void each_member(F&& f) const
    {
        require_object();
        for (auto it = v_->begin(); it != v_->end(); ++it) {
            JsonNode child(it.value(), json_member_path(path_, it.key()), source_);
            if (it.key().find('\0') != std::string::npos) child.fail("key contains a NUL byte");
            f(it.key(), child);
        }
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

}  // namespace berth
