#include <catch2/catch.hpp>
#include <map>

#include "berth/pull/challenge.hpp"
#include "berth/pull/credentials.hpp"
#include "berth/pull/http.hpp"
#include "berth/util/error.hpp"

using namespace berth::pull;

TEST_CASE("WWW-Authenticate challenges", "[pull][auth]")
{
    auto c = parse_challenges(R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull")");
    REQUIRE(c.size() == 1);
    CHECK(c[0].scheme == "bearer");
    CHECK(c[0].param("realm") == "https://auth.docker.io/token");
    CHECK(c[0].param("service") == "registry.docker.io");
    CHECK(c[0].param("scope") == "repository:library/busybox:pull");
    CHECK(c[0].param("missing").empty());

    c = parse_challenges(R"(Basic realm="Registry Realm")");
    REQUIRE(c.size() == 1);
    CHECK(c[0].scheme == "basic");
    CHECK(c[0].param("realm") == "Registry Realm");

    // Several challenges in one header, odd spacing, case, escapes, unquoted values.
    c = parse_challenges(R"(Basic realm="a\"b" , BEARER  Realm=http://t/token, Service = reg , error="insufficient_scope")");
    REQUIRE(c.size() == 2);
    CHECK(c[0].param("realm") == "a\"b");
    CHECK(c[1].scheme == "bearer");
    CHECK(c[1].param("realm") == "http://t/token");
    CHECK(c[1].param("service") == "reg");
    CHECK(c[1].param("error") == "insufficient_scope");

    c = parse_challenges("Negotiate abc123==, Basic");
    REQUIRE(c.size() == 2);
    CHECK(c[0].scheme == "negotiate");
    CHECK(c[1].scheme == "basic");
    CHECK(parse_challenges("").empty());
    CHECK(parse_challenges(" , ,").empty());
}

TEST_CASE("credentials from auth files", "[pull][auth]")
{
    CHECK(base64_encode("user:pass") == "dXNlcjpwYXNz");
    CHECK(base64_decode("dXNlcjpwYXNz") == "user:pass");
    CHECK(base64_decode("YQ==") == "a");
    CHECK_THROWS(base64_decode("abc"));
    auto c = parse_creds("u:p:q");
    CHECK((c.username == "u" && c.password == "p:q"));
    CHECK(parse_creds("u").password.empty());

    std::string config = R"({"auths": {
        "127.0.0.1:5000": {"auth": "dXNlcjpwYXNz"},
        "127.0.0.1:5000/team": {"auth": "dGVhbTpzZWNyZXQ="},
        "https://index.docker.io/v1/": {"auth": "aHViOmh1YnBhc3M="},
        "http://other:1234/v2/": {"username": "o", "password": "op"},
        "bad:1": {"auth": "bm9jb2xvbg=="}
    }})";
    auto r = credentials_from_auth_json(config, "127.0.0.1:5000", "x/y");
    REQUIRE(r);
    CHECK((r->username == "user" && r->password == "pass"));
    r = credentials_from_auth_json(config, "127.0.0.1:5000", "team/app");
    REQUIRE(r);
    CHECK(r->username == "team");
    r = credentials_from_auth_json(config, "docker.io", "library/busybox");
    REQUIRE(r);
    CHECK(r->username == "hub");
    r = credentials_from_auth_json(config, "other:1234", "a");
    REQUIRE(r);
    CHECK((r->username == "o" && r->password == "op"));
    CHECK_FALSE(credentials_from_auth_json(config, "nowhere:1", "a"));
    CHECK_THROWS_WITH(credentials_from_auth_json(config, "bad:1", "a"), Catch::Contains("not base64 of user:password"));
    CHECK_FALSE(credentials_from_auth_json("{}", "r", "a"));
    CHECK_THROWS(credentials_from_auth_json("[", "r", "a"));

    static std::map<std::string, std::string> env;
    env = {{"REGISTRY_AUTH_FILE", "/a.json"}, {"XDG_RUNTIME_DIR", "/run/user/0"}, {"HOME", "/root"}};
    auto get = [](const char* n) -> const char* {
        auto it = env.find(n);
        return it == env.end() ? nullptr : it->second.c_str();
    };
    CHECK(auth_files("", get) == std::vector<std::string>{"/a.json", "/run/user/0/containers/auth.json", "/root/.docker/config.json"});
    CHECK(auth_files("/x.json", get) == std::vector<std::string>{"/x.json"});
    env.clear();
    CHECK(auth_files("", get).empty());
}

TEST_CASE("URL helpers for redirects", "[pull][http]")
{
    CHECK(resolve_url("http://r:5000/v2/x/blobs/sha256:1", "/storage/b?sig=1") == "http://r:5000/storage/b?sig=1");
    CHECK(resolve_url("http://r:5000/v2/x", "https://cdn.example/b") == "https://cdn.example/b");
    CHECK(url_origin("https://Reg.example/v2/") == "https://reg.example:443");
    CHECK(url_origin("http://127.0.0.1:5000/v2/") == "http://127.0.0.1:5000");
    CHECK(url_origin("http://127.0.0.1:5000/a") != url_origin("http://127.0.0.1:5001/a"));
    CHECK(url_escape("repository:a/b:pull") == "repository%3Aa%2Fb%3Apull");
}
