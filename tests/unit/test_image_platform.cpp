#include <catch2/catch.hpp>

#include "berth/image/platform.hpp"
#include "berth/util/error.hpp"

using namespace berth::image;
using nlohmann::json;

TEST_CASE("parse_platform normalises", "[image][platform]")
{
    CHECK(parse_platform("linux/amd64").str() == "linux/amd64");
    CHECK(parse_platform("linux/x86_64").str() == "linux/amd64");
    CHECK(parse_platform("linux/aarch64").str() == "linux/arm64/v8");
    CHECK(parse_platform("linux/arm64").str() == "linux/arm64/v8");
    CHECK(parse_platform("linux/arm").str() == "linux/arm/v7");
    CHECK(parse_platform("linux/arm/v6").str() == "linux/arm/v6");
    CHECK(parse_platform("linux/armhf").str() == "linux/arm/v7");
    CHECK(parse_platform("linux/i686").str() == "linux/386");
    CHECK_THROWS_AS(parse_platform("linux"), berth::Error);
    CHECK_THROWS_AS(parse_platform("linux/"), berth::Error);
    CHECK_THROWS_AS(parse_platform("linux/arm/v7/x"), berth::Error);
    CHECK_THROWS_AS(parse_platform("linux/arm/"), berth::Error);
    CHECK(host_platform().os == "linux");
    CHECK_FALSE(host_platform().architecture.empty());
}

TEST_CASE("platform matching and fallbacks", "[image][platform]")
{
    auto p = [](const char* s) { return parse_platform(s); };
    Platform arm64_plain{"linux", "arm64", "", ""};
    CHECK(platform_rank(p("linux/arm64"), arm64_plain) == 0);
    CHECK(platform_rank(p("linux/arm64/v8"), arm64_plain) == 0);
    CHECK(platform_matches(p("linux/amd64"), p("linux/amd64")));
    CHECK_FALSE(platform_matches(p("linux/amd64"), p("linux/arm64")));
    CHECK_FALSE(platform_matches(p("linux/amd64"), Platform{"windows", "amd64", "", ""}));
    // arm v7 runs v6 and v5, ranked lower; not the other way round.
    CHECK(platform_rank(p("linux/arm/v7"), p("linux/arm/v7")) == 0);
    CHECK(platform_rank(p("linux/arm/v7"), p("linux/arm/v6")) == 1);
    CHECK(platform_rank(p("linux/arm/v7"), p("linux/arm/v5")) == 2);
    CHECK_FALSE(platform_matches(p("linux/arm/v6"), p("linux/arm/v7")));
    // amd64: variant ignored unless asked for.
    CHECK(platform_rank(p("linux/amd64"), Platform{"linux", "amd64", "v3", ""}) == 1);
    CHECK(platform_matches(p("linux/amd64/v3"), p("linux/amd64")));
    CHECK(platform_matches(p("linux/amd64/v3"), p("linux/amd64/v2")));
    CHECK_FALSE(platform_matches(p("linux/amd64/v2"), p("linux/amd64/v3")));
    // os.version only when asked for.
    Platform win{"windows", "amd64", "", "10.0.17763.1"};
    CHECK(platform_matches(Platform{"windows", "amd64", "", ""}, win));
    CHECK_FALSE(platform_matches(Platform{"windows", "amd64", "", "10.0.20348.1"}, win));
}

TEST_CASE("select_manifest picks the best descriptor", "[image][platform]")
{
    json index = json::parse(R"({"schemaVersion":2,"manifests":[
        {"digest":"sha256:a","platform":{"os":"linux","architecture":"amd64"}},
        {"digest":"sha256:b","platform":{"os":"linux","architecture":"arm","variant":"v6"}},
        {"digest":"sha256:c","platform":{"os":"linux","architecture":"arm","variant":"v7"}},
        {"digest":"sha256:d","platform":{"os":"linux","architecture":"arm64","variant":"v8"}},
        {"digest":"sha256:e","platform":{"os":"unknown","architecture":"unknown"}},
        {"digest":"sha256:f"}]})");
    CHECK(select_manifest(index, parse_platform("linux/amd64"))["digest"] == "sha256:a");
    CHECK(select_manifest(index, parse_platform("linux/arm/v7"))["digest"] == "sha256:c");
    CHECK(select_manifest(index, parse_platform("linux/arm/v6"))["digest"] == "sha256:b");
    CHECK(select_manifest(index, parse_platform("linux/arm64"))["digest"] == "sha256:d");
    json only_v6 = json::parse(R"({"manifests":[{"digest":"sha256:b","platform":{"os":"linux","architecture":"arm","variant":"v6"}}]})");
    CHECK(select_manifest(only_v6, parse_platform("linux/arm/v7"))["digest"] == "sha256:b");
    CHECK_THROWS_WITH(select_manifest(index, parse_platform("linux/s390x")),
                      "no manifest for linux/s390x in the index; it has linux/amd64, linux/arm/v6, linux/arm/v7, linux/arm64/v8");
    CHECK_THROWS_WITH(select_manifest(json::object(), parse_platform("linux/s390x")), Catch::Contains("no \"manifests\""));
}
