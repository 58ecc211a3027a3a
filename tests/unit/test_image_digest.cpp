#include <catch2/catch.hpp>

#include "berth/image/digest.hpp"
#include "berth/util/error.hpp"

using namespace berth::image;

TEST_CASE("sha256 of known strings", "[image][digest]")
{
    CHECK(sha256_digest("") == "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    Sha256 h;
    h.update("ab", 2);
    CHECK(h.hex().size() == 64);
    h.update("c");  // hex() did not end the stream
    CHECK(h.digest() == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    Hasher h512("sha512");
    h512.update("abc");
    CHECK(h512.hex().substr(0, 16) == "ddaf35a193617aba");
    CHECK_THROWS_AS(Hasher("md5"), berth::Error);
}

TEST_CASE("parse_digest validates algorithm and hex", "[image][digest]")
{
    std::string hex(64, 'a');
    auto d = parse_digest("sha256:" + hex);
    CHECK(d.algorithm == "sha256");
    CHECK(d.hex == hex);
    CHECK(d.str() == "sha256:" + hex);
    CHECK(parse_digest("sha512:" + std::string(128, '0')).algorithm == "sha512");
    CHECK_THROWS_WITH(parse_digest("sha256:" + std::string(63, 'a')), Catch::Contains("64 hex digits, not 63"));
    CHECK_THROWS_WITH(parse_digest("sha256:" + std::string(64, 'A')), Catch::Contains("lower-case hex"));
    CHECK_THROWS_WITH(parse_digest("md5:abc"), Catch::Contains("unsupported algorithm"));
    CHECK_THROWS_WITH(parse_digest(hex), Catch::Contains("invalid digest"));
    CHECK_THROWS(parse_digest("sha256:" + std::string(60, 'a') + "../x"));
    CHECK(is_valid_digest("sha256:" + hex));
    CHECK_FALSE(is_valid_digest("sha256:"));
}
