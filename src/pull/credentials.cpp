#include "berth/pull/credentials.hpp"

#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include "berth/util/error.hpp"
#include "berth/util/file.hpp"

namespace berth::pull {

Credentials parse_creds(std::string_view s)
{
    auto colon = s.find(':');
    if (colon == std::string_view::npos) return {std::string(s), {}};
    return {std::string(s.substr(0, colon)), std::string(s.substr(colon + 1))};
}

std::vector<std::string> auth_files(const std::string& authfile, const char* (*env)(const char*))
{
    if (!authfile.empty()) return {authfile};
    std::vector<std::string> files;
    if (const char* f = env("REGISTRY_AUTH_FILE"); f && *f) files.emplace_back(f);
    if (const char* x = env("XDG_RUNTIME_DIR"); x && *x) files.push_back(std::string(x) + "/containers/auth.json");
    if (const char* h = env("HOME"); h && *h) files.push_back(std::string(h) + "/.docker/config.json");
    return files;
}

std::string base64_encode(std::string_view data)
{
    std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(data.data()),
                            static_cast<int>(data.size()));
    out.resize(static_cast<size_t>(n));
    return out;
}

std::string base64_decode(std::string_view data)
{
    std::string in;
    for (char c : data)
        if (c != '\n' && c != '\r' && c != ' ') in += c;
    if (in.size() % 4 != 0) throw Error("invalid base64");
    std::string out(in.size() / 4 * 3 + 1, '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(in.data()),
                            static_cast<int>(in.size()));
    if (n < 0) throw Error("invalid base64");
    size_t len = static_cast<size_t>(n);
    // EVP_DecodeBlock counts padding as zero bytes.
    for (size_t i = in.size(); i > 0 && in[i - 1] == '='; --i) --len;
    out.resize(len);
    return out;
}

namespace {

// "https://index.docker.io/v1/" -> "index.docker.io/v1"; "http://reg:5000" -> "reg:5000".
std::string normalise_key(std::string key)
{
    for (std::string_view scheme : {"https://", "http://"})
        if (key.starts_with(scheme)) {
            key = key.substr(scheme.size());
            // a URL names a registry only: drop the path
            if (auto slash = key.find('/'); slash != std::string::npos) key = key.substr(0, slash);
        }
    while (!key.empty() && key.back() == '/') key.pop_back();
    if (key == "index.docker.io" || key == "registry-1.docker.io") key = "docker.io";
    return key;
}

}  // namespace

std::optional<Credentials> credentials_from_auth_json(std::string_view text, const std::string& registry,
                                                      const std::string& repository)
{
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object()) throw Error("not a JSON object");
    auto auths = j.find("auths");
    if (auths == j.end() || !auths->is_object()) return std::nullopt;
    // The candidate keys, most specific first.
    std::vector<std::string> wanted;
    std::string path = registry + "/" + repository;
    for (;;) {
        wanted.push_back(path);
        auto slash = path.rfind('/');
        if (slash == std::string::npos) break;
        path = path.substr(0, slash);
    }
    const nlohmann::json* best = nullptr;
    size_t best_rank = wanted.size();
    std::string best_key;
    for (const auto& [key, entry] : auths->items()) {
        std::string k = normalise_key(key);
        for (size_t rank = 0; rank < best_rank; ++rank)
            if (k == wanted[rank]) {
                best = &entry;
                best_rank = rank;
                best_key = key;
                break;
            }
    }
    if (!best || !best->is_object()) return std::nullopt;
    return with_context("auths[\"" + best_key + "\"]", [&]() -> std::optional<Credentials> {
        if (best->contains("auth") && (*best)["auth"].is_string() && !(*best)["auth"].get<std::string>().empty()) {
            std::string up = base64_decode((*best)["auth"].get<std::string>());
            if (up.find(':') == std::string::npos) throw Error("\"auth\" is not base64 of user:password");
            return parse_creds(up);
        }
        if (best->contains("username") && (*best)["username"].is_string())
            return Credentials{(*best)["username"].get<std::string>(), best->value("password", "")};
        return std::nullopt;
    });
}

std::optional<Credentials> find_credentials(const std::vector<std::string>& files, const std::string& registry,
                                            const std::string& repository)
{
    for (const auto& f : files) {
        auto text = with_context(f, [&] { return path_exists(f) ? read_regular_file(f, 4u << 20) : std::string{}; });
        if (text.empty()) continue;
        auto c = with_context(f, [&] { return credentials_from_auth_json(text, registry, repository); });
        if (c) return c;
    }
    return std::nullopt;
}

}  // namespace berth::pull
