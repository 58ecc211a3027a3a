#include <catch2/catch.hpp>

#include "berth/pull/reference.hpp"
#include "berth/util/error.hpp"

using namespace berth::pull;

TEST_CASE("reference normalisation", "[pull][reference]")
{
    const std::string dg = "sha256:" + std::string(64, 'a');
    struct Case {
        std::string in, registry, repository, tag, digest;
    };
    const Case cases[] = {
        {"busybox", "docker.io", "library/busybox", "latest", ""},
        {"busybox:1.36", "docker.io", "library/busybox", "1.36", ""},
        {"library/busybox", "docker.io", "library/busybox", "latest", ""},
        {"docker.io/busybox", "docker.io", "library/busybox", "latest", ""},
        {"index.docker.io/busybox", "docker.io", "library/busybox", "latest", ""},
        {"docker.io/library/alpine:3.20", "docker.io", "library/alpine", "3.20", ""},
        {"user/app", "docker.io", "user/app", "latest", ""},
        {"example.com", "docker.io", "library/example.com", "latest", ""},
        {"localhost/app", "localhost", "app", "latest", ""},
        {"localhost:5000/app:v1", "localhost:5000", "app", "v1", ""},
        {"127.0.0.1:5000/a/b/c:t", "127.0.0.1:5000", "a/b/c", "t", ""},
        {"quay.io/team/app", "quay.io", "team/app", "latest", ""},
        {"registry:5000/team/app@" + dg, "registry:5000", "team/app", "", dg},
        {"registry:5000/team/app:1.0@" + dg, "registry:5000", "team/app", "1.0", dg},
        {"ghcr.io/a/b-c_d.e__f", "ghcr.io", "a/b-c_d.e__f", "latest", ""},
        {"busybox@" + dg, "docker.io", "library/busybox", "", dg},
    };
    for (const auto& c : cases) {
        INFO(c.in);
        Reference r = parse_reference(c.in);
        CHECK(r.registry == c.registry);
        CHECK(r.repository == c.repository);
        CHECK(r.tag == c.tag);
        CHECK(r.digest == c.digest);
    }
    CHECK(parse_reference("busybox").str() == "docker.io/library/busybox:latest");
    CHECK(parse_reference("busybox@" + dg).manifest_ref() == dg);
    CHECK(parse_reference("r:1/x:t").manifest_ref() == "t");
    CHECK(api_host("docker.io") == "registry-1.docker.io");
    CHECK(api_host("r:5000") == "r:5000");
}

TEST_CASE("invalid references", "[pull][reference]")
{
    for (const char* bad : {"", "Busybox", "busybox:", "busybox:-x", "a//b", "a/b/", "/a", "a_/b", "x@sha256:12",
                            "busybox:tag:other", "reg:5000/", "a..b", "r:5000/UP"}) {
        INFO(bad);
        CHECK_THROWS_AS(parse_reference(bad), berth::Error);
    }
    CHECK_THROWS_WITH(parse_reference("Busybox"), Catch::Contains("invalid reference \"Busybox\""));
}
