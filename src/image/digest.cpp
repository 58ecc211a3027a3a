#include "berth/image/digest.hpp"

#include <openssl/evp.h>

#include "berth/util/error.hpp"

namespace berth::image {

namespace {

const EVP_MD* md_for(std::string_view algorithm)
{
    if (algorithm == "sha256") return EVP_sha256();
    if (algorithm == "sha512") return EVP_sha512();
    throw Error("unsupported digest algorithm \"" + std::string(algorithm) + "\"");
}

size_t hex_length(std::string_view algorithm)
{
    if (algorithm == "sha256") return 64;
    if (algorithm == "sha512") return 128;
    return 0;
}

// Why s is not a digest, or empty when it is one.
std::string digest_problem(std::string_view s)
{
    auto colon = s.find(':');
    if (colon == std::string_view::npos) return "no algorithm prefix";
    std::string_view alg = s.substr(0, colon), hex = s.substr(colon + 1);
    size_t want = hex_length(alg);
    if (want == 0) return "unsupported algorithm \"" + std::string(alg) + "\"";
    if (hex.size() != want)
        return "a " + std::string(alg) + " digest has " + std::to_string(want) + " hex digits, not " + std::to_string(hex.size());
    for (char c : hex)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return "not lower-case hex";
    return {};
}

}  // namespace

void Hasher::Free::operator()(evp_md_ctx_st* ctx) const noexcept { EVP_MD_CTX_free(ctx); }

Hasher::Hasher(std::string_view algorithm) : ctx_(EVP_MD_CTX_new()), algorithm_(algorithm)
{
    if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), md_for(algorithm), nullptr) != 1)
        throw Error("initialise " + algorithm_ + " hash");
}

Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;
Hasher::~Hasher() = default;

void Hasher::update(const void* data, size_t len)
{
    if (len && EVP_DigestUpdate(ctx_.get(), data, len) != 1) throw Error(algorithm_ + " hash update failed");
}

std::string Hasher::hex() const
{
    // Finishes a copy, so that the stream can go on.
    std::unique_ptr<evp_md_ctx_st, Free> copy(EVP_MD_CTX_new());
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!copy || EVP_MD_CTX_copy_ex(copy.get(), ctx_.get()) != 1 || EVP_DigestFinal_ex(copy.get(), out, &len) != 1)
        throw Error(algorithm_ + " hash final failed");
    static constexpr char digits[] = "0123456789abcdef";
    std::string s(size_t{len} * 2, '0');
    for (unsigned i = 0; i < len; ++i) {
        s[2 * i] = digits[out[i] >> 4];
        s[2 * i + 1] = digits[out[i] & 0xf];
    }
    return s;
}

std::string sha256_digest(std::string_view data)
{
    Sha256 h;
    h.update(data);
    return h.digest();
}

Digest parse_digest(std::string_view s)
{
    if (auto why = digest_problem(s); !why.empty()) throw Error("invalid digest \"" + std::string(s) + "\": " + why);
    auto colon = s.find(':');
    return {std::string(s.substr(0, colon)), std::string(s.substr(colon + 1))};
}

bool is_valid_digest(std::string_view s) noexcept
{
    try {
        return digest_problem(s).empty();
    } catch (...) {
        return false;
    }
}

}  // namespace berth::image
