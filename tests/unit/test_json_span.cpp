// find_member / find_nested_member against nlohmann's parser: on every document the scan
// either finds exactly the value the parser keeps, says the member is absent when the parser
// has none, or says it cannot tell.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "berth/util/json_span.hpp"

using nlohmann::json;
using Found = berth::JsonMember::Found;

namespace {

std::string_view slice(std::string_view doc, berth::JsonSpan s) { return doc.substr(s.begin, s.end - s.begin); }

// A random value: objects, arrays, strings with quotes, backslashes, brackets and braces in
// them, numbers, literals; keys drawn from a few names so that "linux" and "seccomp" come up.
json random_value(std::mt19937& rng, int depth)
{
    // Keys that need escapes only below the two objects the scan reads keys of.
    static const char* const keys[] = {"linux", "seccomp", "a", "seccomp2", "{\"}", "b]\\"};
    static const char* const strings[] = {"", "x", "\"", "\\", "}{][", "\\\"}", "linux\n\"seccomp\":1"};
    int kind = static_cast<int>(rng() % (depth > 3 ? 4 : 6));
    switch (kind) {
    case 0: return strings[rng() % std::size(strings)];
    case 1: return static_cast<int64_t>(rng() % 2000) - 1000;
    case 2: return rng() % 2 ? json(nullptr) : json(rng() % 2 == 0);
    case 3: return 1.5e10 * static_cast<double>(rng() % 7);
    case 4: {
        json o = json::object();
        for (auto n = rng() % 5; n > 0; --n) o[keys[rng() % (depth > 1 ? std::size(keys) : 4)]] = random_value(rng, depth + 1);
        return o;
    }
    default: {
        json a = json::array();
        for (auto n = rng() % 4; n > 0; --n) a.push_back(random_value(rng, depth + 1));
        return a;
    }
    }
}

}  // namespace

TEST_CASE("json_span: the scan agrees with the parser", "[json]")
{
    std::mt19937 rng(20261202);
    int found = 0;
    for (int i = 0; i < 3000; ++i) {
        json doc = json::object();
        for (auto n = rng() % 4; n > 0; --n) doc[rng() % 2 ? "linux" : "x"] = random_value(rng, 1);
        if (rng() % 2) doc["linux"] = json::object({{"seccomp", random_value(rng, 2)}, {"a", random_value(rng, 2)}});
        std::string text = doc.dump(static_cast<int>(rng() % 3) - 1);  // compact, or indented by 0 or 1
        INFO(text);
        auto m = berth::find_nested_member(text, "linux", "seccomp");
        bool has = doc.contains("linux") && doc["linux"].is_object() && doc["linux"].contains("seccomp");
        REQUIRE(m.found != Found::unclear);  // no escapes in keys here, no duplicates in a dump
        REQUIRE((m.found == Found::yes) == has);
        if (has) {
            CHECK(json::parse(slice(text, m.value)) == doc["linux"]["seccomp"]);
            ++found;
        }
        auto top = berth::find_member(text, "linux");
        REQUIRE((top.found == Found::yes) == doc.contains("linux"));
        if (top.found == Found::yes) CHECK(json::parse(slice(text, top.value)) == doc["linux"]);
    }
    CHECK(found > 500);
}

TEST_CASE("json_span: what the scan cannot tell", "[json]")
{
    auto found = [](std::string_view doc) { return berth::find_nested_member(doc, "linux", "seccomp").found; };
    CHECK(found(R"({"linux": {"seccomp": {"x": "}"}, "a": 1}})") == Found::yes);
    CHECK(found(R"( {"linux":{}} )") == Found::no);
    CHECK(found(R"({"linux": null})") == Found::no);
    CHECK(found(R"({"linux": "seccomp"})") == Found::no);
    CHECK(found(R"({"x": {"seccomp": 1}})") == Found::no);
    // Escaped keys might spell the name; duplicates are the parser's to resolve.
    CHECK(found(R"({"linux": {"secc\u006fmp": 1}})") == Found::unclear);
    CHECK(found(R"({"lin\u0075x": {"seccomp": 1}})") == Found::unclear);
    CHECK(found(R"({"linux": {"seccomp": 1, "seccomp": 2}})") == Found::unclear);
    CHECK(found(R"({"linux": {"seccomp": 1}, "linux": {}})") == Found::unclear);
    // Escapes elsewhere are only skipped.
    CHECK(found(R"({"annotations": {"k\u0065y": "v\""}, "linux": {"seccomp": {}}})") == Found::yes);
    // Malformed where it looks.
    for (const char* bad : {"", "[]", "{", R"({"linux": {"seccomp": )", R"({"linux" {"seccomp": 1}})",
                            R"({"linux": {"seccomp": 1 "a": 2}})", R"({"linux": {"seccomp": "x})", R"({linux: 1})"})
        CHECK(found(bad) == Found::unclear);
    auto m = berth::find_member(R"({"hooks" : [1, {"a": "]"}] , "b": 2})", "hooks");
    REQUIRE(m.found == Found::yes);
    CHECK(slice(R"({"hooks" : [1, {"a": "]"}] , "b": 2})", m.value) == R"([1, {"a": "]"}])");
}
