// Content digests as OCI descriptors spell them: "sha256:<64 lower-case hex>".
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX, kept out of this header

namespace berth::image {

// Streaming hash of a digest algorithm ("sha256" or "sha512"; OpenSSL EVP). hex()/digest()
// do not end the stream: they may be called at any point and update() may continue.
class Hasher {
public:
    // Throws Error for an algorithm other than sha256 and sha512.
    explicit Hasher(std::string_view algorithm);
    Hasher(Hasher&&) noexcept;
    Hasher& operator=(Hasher&&) noexcept;
    ~Hasher();

    void update(const void* data, size_t len);
    void update(std::string_view data) { update(data.data(), data.size()); }
    // Lower-case hex digits of what was fed so far.
    std::string hex() const;
    // "<algorithm>:" + hex().
    std::string digest() const { return algorithm_ + ":" + hex(); }
    const std::string& algorithm() const noexcept { return algorithm_; }

private:
    struct Free {
        void operator()(evp_md_ctx_st* ctx) const noexcept;
    };
    std::unique_ptr<evp_md_ctx_st, Free> ctx_;
    std::string algorithm_;
};

class Sha256 : public Hasher {
public:
    Sha256() : Hasher("sha256") {}
};

// "sha256:<hex>" of a byte string.
std::string sha256_digest(std::string_view data);

struct Digest {
    std::string algorithm;  // "sha256" or "sha512"
    std::string hex;        // lower-case, 64 or 128 digits
    std::string str() const { return algorithm + ":" + hex; }
};

// Validates "sha256:<64 hex>" or "sha512:<128 hex>" (lower-case hex only, as image-spec
// requires). Throws Error "invalid digest \"...\": <why>".
Digest parse_digest(std::string_view s);
// The same check without throwing.
bool is_valid_digest(std::string_view s) noexcept;

}  // namespace berth::image
