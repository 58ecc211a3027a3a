// Where a member's value sits in JSON text, found without parsing the document. config.json's
// linux.seccomp is ~17 KB of an engine's ~18 KB config, and berth needs its bytes (the key of
// a compiled filter it has cached, seccomp_plan.hpp) far more often than its contents.
#pragma once
#include <cstddef>
#include <optional>
#include <string_view>

namespace berth {

struct JsonSpan {
    size_t begin = 0, end = 0;  // [begin, end) of the text
};

struct JsonMember {
    // no: the text shows no such member. unclear: it cannot tell: a key of an object on the
    // way is written with escapes (it might spell the name), the name appears twice (a
    // parser keeps the last), or the text is malformed where the scan looks.
    enum class Found { yes, no, unclear } found = Found::unclear;
    JsonSpan value;  // when found
};

// doc.<key>'s value, when doc is an object.
JsonMember find_member(std::string_view doc, std::string_view key);
// doc.<outer>.<inner>'s value; `no` also when doc.<outer> is not an object.
JsonMember find_nested_member(std::string_view doc, std::string_view outer, std::string_view inner);
// Values are only skipped, not checked: the caller parses the one it gets, or compares it with
// text that parsed, and parses the rest of the document.

}  // namespace berth
