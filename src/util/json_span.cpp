#include "berth/util/json_span.hpp"

namespace berth {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

class Scanner {
public:
    explicit Scanner(std::string_view s) : s_(s) {}

    void space()
    {
        while (i_ < s_.size() && is_space(s_[i_])) ++i_;
    }

    bool at(char c) const { return i_ < s_.size() && s_[i_] == c; }

    // At '"': moves past the closing quote; *escaped says whether a backslash was inside.
    bool string(bool* escaped)
    {
        ++i_;
        while (i_ < s_.size()) {
            char c = s_[i_++];
            if (c == '"') return true;
            if (c == '\\') {
                if (escaped) *escaped = true;
                ++i_;
            }
        }
        return false;
    }

    // Past one value of any kind. Objects and arrays are skipped by counting brackets outside
    // strings: their contents are not looked at.
    bool value()
    {
        if (i_ >= s_.size()) return false;
        char c = s_[i_];
        if (c == '"') return string(nullptr);
        if (c == '{' || c == '[') {
            size_t depth = 0;
            while (i_ < s_.size()) {
                char d = s_[i_];
                if (d == '"') {
                    if (!string(nullptr)) return false;
                    continue;
                }
                ++i_;
                if (d == '{' || d == '[')
                    ++depth;
                else if ((d == '}' || d == ']') && --depth == 0)
                    return true;
            }
            return false;
        }
        size_t start = i_;  // a number, true, false or null
        while (i_ < s_.size() && !is_space(s_[i_]) && s_[i_] != ',' && s_[i_] != '}' && s_[i_] != ']') ++i_;
        return i_ > start;
    }

    // value(), noting where it was.
    bool value(JsonSpan& span)
    {
        span.begin = i_;
        if (!value()) return false;
        span.end = i_;
        return true;
    }

    // At '{': walks the object's members to its end. For the member `key`, calls
    // on_value(*this) at its value (which must move past it) and records that it was seen.
    // False when the text is malformed or unclear (an escaped key, `key` twice).
    template <class F>
    bool members(std::string_view key, bool& seen, F&& on_value)
    {
        ++i_;
        space();
        if (at('}')) {
            ++i_;
            return true;
        }
        for (;;) {
            space();
            if (!at('"')) return false;
            size_t key_begin = i_ + 1;
            bool escaped = false;
            if (!string(&escaped) || escaped) return false;
            bool match = s_.substr(key_begin, i_ - 1 - key_begin) == key;
            space();
            if (!at(':')) return false;
            ++i_;
            space();
            if (match) {
                if (seen) return false;
                seen = true;
                if (!on_value(*this)) return false;
            } else if (!value()) {
                return false;
            }
            space();
            if (at(',')) {
                ++i_;
                continue;
            }
            if (!at('}')) return false;
            ++i_;
            return true;
        }
    }

private:
    std::string_view s_;
    size_t i_ = 0;
};

}  // namespace

JsonMember find_member(std::string_view doc, std::string_view key)
{
    Scanner sc(doc);
    sc.space();
    JsonMember m;
    if (!sc.at('{')) return m;
    bool seen = false;
    bool ok = sc.members(key, seen, [&](Scanner& s) { return s.value(m.value); });
    if (ok) m.found = seen ? JsonMember::Found::yes : JsonMember::Found::no;
    return m;
}

JsonMember find_nested_member(std::string_view doc, std::string_view outer, std::string_view inner)
{
    Scanner sc(doc);
    sc.space();
    JsonMember m;
    if (!sc.at('{')) return m;
    bool outer_seen = false, inner_seen = false;
    bool ok = sc.members(outer, outer_seen, [&](Scanner& s) {
        if (!s.at('{')) return s.value();
        return s.members(inner, inner_seen, [&](Scanner& v) { return v.value(m.value); });
    });
    if (ok) m.found = inner_seen ? JsonMember::Found::yes : JsonMember::Found::no;
    return m;
}

}  // namespace berth
