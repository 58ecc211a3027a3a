#include "berth/util/json_reader.hpp"

#include <cmath>

#include "berth/util/error.hpp"

namespace berth {

namespace {

bool is_identifier(std::string_view key)
{
    if (key.empty()) return false;
    for (char c : key) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        if (!ok) return false;
    }
    return true;
}

}  // namespace

nlohmann::json parse_json(std::string_view text, std::string_view source) { return parse_json_at(text, source, ""); }

nlohmann::json parse_json_at(std::string_view text, std::string_view source, std::string_view path)
{
    try {
        return nlohmann::json::parse(text.begin(), text.end());
    } catch (const nlohmann::json::exception& e) {
        // parse_error for syntax, out_of_range for numbers that overflow (found by fuzzing).
        // Drop nlohmann's "[json.exception.parse_error.101] " prefix; it means nothing to users.
        std::string_view msg = e.what();
        if (auto pos = msg.find("] "); msg.starts_with("[json.exception") && pos != std::string_view::npos)
            msg.remove_prefix(pos + 2);
        std::string where(source);
        if (!path.empty()) {
            where += ": ";
            where += path;
        }
        throw Error(where + ": invalid JSON: " + std::string(msg));
    }
}

std::string json_member_path(std::string_view parent, std::string_view key)
{
    std::string p(parent);
    if (is_identifier(key)) {
        p += '.';
        p += key;
    } else {
        // JSON string escaping keeps quotes and control characters in keys unambiguous.
        p += '[';
        p += nlohmann::json(std::string(key)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        p += ']';
    }
    return p;
}

std::string json_element_path(std::string_view parent, size_t index)
{
    std::string p(parent);
    p += '[';
    p += std::to_string(index);
    p += ']';
    return p;
}

void fail_at_json_path(std::string_view source, std::string_view path, std::string_view problem)
{
    std::string m(source);
    m += ": ";
    m += path.empty() ? std::string_view(".") : path;
    m += ": ";
    m += problem;
    throw Error(std::move(m));
}

std::string_view json_type_name(const nlohmann::json& v)
{
    switch (v.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::object: return "object";
    case nlohmann::json::value_t::array: return "array";
    case nlohmann::json::value_t::string: return "string";
    case nlohmann::json::value_t::boolean: return "boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: return "integer";
    case nlohmann::json::value_t::number_float: return "number";
    case nlohmann::json::value_t::binary: return "binary";
    case nlohmann::json::value_t::discarded: break;
    }
    return "invalid value";
}

void JsonNode::fail_type(std::string_view expected) const
{
    std::string m = "expected ";
    m += expected;
    m += ", got ";
    m += json_type_name(*v_);
    fail(m);
}

void JsonNode::fail_range(const std::string& lo, const std::string& hi) const
{
    fail("value " + v_->dump() + " out of range (" + lo + ".." + hi + ")");
}

void JsonNode::fail_not_integer(bool want_unsigned, const std::string& lo, const std::string& hi) const
{
    std::string_view expected = want_unsigned ? "unsigned integer" : "integer";
    if (!v_->is_number_float()) fail_type(expected);
    double d = v_->get<double>();
    // nlohmann stores integer literals beyond 64 bits as doubles.
    if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) >= 9.2e18) fail_range(lo, hi);
    fail("expected " + std::string(expected) + ", got number " + v_->dump());
}

void JsonNode::require_object() const
{
    if (!v_->is_object()) fail_type("object");
}

void JsonNode::require_array() const
{
    if (!v_->is_array()) fail_type("array");
}

std::optional<JsonNode> JsonNode::member(std::string_view key) const
{
    require_object();
    auto it = v_->find(std::string(key));  // string_view lookup needs nlohmann >= 3.11
    if (it == v_->end() || it->is_null()) return std::nullopt;
    return JsonNode(*it, json_member_path(path_, key), source_);
}

std::optional<JsonNode> JsonNode::find(std::string_view key) const
{
    require_object();
    auto it = v_->find(std::string(key));
    if (it == v_->end()) return std::nullopt;
    return JsonNode(*it, json_member_path(path_, key), source_);
}

JsonNode JsonNode::required(std::string_view key) const
{
    if (auto m = member(key)) return std::move(*m);
    fail_at_json_path(source_, json_member_path(path_, key), "required field missing");
}

std::string JsonNode::as_string() const
{
    if (!v_->is_string()) fail_type("string");
    std::string s = v_->get<std::string>();
    // Every string ends up as a C string somewhere (a path, an argument, a hostname): a NUL
    // inside would silently cut it short there.
    if (s.find('\0') != std::string::npos) fail("string contains a NUL byte");
    return s;
}

bool JsonNode::as_bool() const
{
    if (!v_->is_boolean()) fail_type("boolean");
    return v_->get<bool>();
}

}  // namespace berth
