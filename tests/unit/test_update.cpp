// `update`: how a linux.resources object merges into the stored config, and runc's size flags.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "berth/runtime/update.hpp"
#include "berth/util/error.hpp"
#include "memory_size.hpp"

using nlohmann::json;

TEST_CASE("update merges resources member by member and leaves the rest of the config", "[update]")
{
    const std::string stored = R"({"ociVersion":"1.0.2","process":{"args":["sh"]},"linux":{"resources":{
        "devices":[{"allow":false,"access":"rwm"}],"memory":{"limit":100,"swap":200},"cpu":{"shares":512,"cpus":"0-1"}}}})";
    auto merged = json::parse(berth::runtime::merge_resources(stored, json::parse(R"({
        "memory":{"limit":300,"swap":null},"cpu":{"quota":5000},"pids":{"limit":7},
        "devices":[{"allow":true,"access":"rwm"}],"blockIO":null})")));
    const auto& r = merged["linux"]["resources"];
    CHECK(r["memory"] == json::parse(R"({"limit":300,"swap":200})"));  // null: unchanged
    CHECK(r["cpu"] == json::parse(R"({"shares":512,"cpus":"0-1","quota":5000})"));
    CHECK(r["pids"] == json::parse(R"({"limit":7})"));
    CHECK(r["devices"] == json::parse(R"([{"allow":false,"access":"rwm"}])"));  // devices stay
    CHECK_FALSE(r.contains("blockIO"));
    CHECK(merged["process"]["args"] == json::array({"sh"}));

    // A config without linux.resources gets one.
    merged = json::parse(berth::runtime::merge_resources(R"({"ociVersion":"1.0.2"})", json::parse(R"({"pids":{"limit":3}})")));
    CHECK(merged["linux"]["resources"]["pids"]["limit"] == 3);
    CHECK_THROWS_WITH(berth::runtime::merge_resources(stored, json::array()), "resources: expected a JSON object, got array");
}

TEST_CASE("runc's memory flags take sizes with binary suffixes", "[update]")
{
    using berth::cli::parse_memory_size;
    CHECK(parse_memory_size("1024", "--memory") == 1024);
    CHECK(parse_memory_size("64m", "--memory") == 64LL << 20);
    CHECK(parse_memory_size("64M", "--memory") == 64LL << 20);
    CHECK(parse_memory_size("1g", "--memory") == 1LL << 30);
    CHECK(parse_memory_size("2GiB", "--memory") == 2LL << 30);
    CHECK(parse_memory_size("1.5k", "--memory") == 1536);
    CHECK(parse_memory_size("10 kb", "--memory") == 10240);
    CHECK(parse_memory_size("-1", "--memory-swap") == -1);
    CHECK_THROWS_WITH(parse_memory_size("lots", "--memory"), "--memory: invalid size \"lots\"");
    CHECK_THROWS_WITH(parse_memory_size("12x", "--memory"), "--memory: invalid size \"12x\"");
    CHECK_THROWS_WITH(parse_memory_size("", "--memory"), "--memory: invalid size \"\"");
    CHECK_THROWS_WITH(parse_memory_size("-2", "--memory"), "--memory: invalid size \"-2\"");
    CHECK_THROWS(parse_memory_size("99999999999p", "--memory"));
}
