// A distribution-spec client for one repository: ping, authentication (Bearer tokens from the
// WWW-Authenticate challenge, cached per scope until they expire; Basic), redirects without
// leaking credentials to another origin, retries with backoff, manifests and resumable blobs.
// One RegistryClient is shared by the download threads; each thread brings its own HttpClient.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "berth/image/layout.hpp"
#include "berth/pull/credentials.hpp"
#include "berth/pull/http.hpp"
#include "berth/pull/reference.hpp"

namespace berth::pull {

struct RegistryOptions {
    TransportOptions transport;
    bool plain_http = false;   // http:// only
    bool insecure = false;     // --tls-verify=false: https without verification, then http
    std::optional<Credentials> credentials;
    int attempts = 5;          // per request, for 429, 5xx and dropped connections
    std::chrono::milliseconds backoff{250};  // doubled at each retry, at most 8 s
};

struct FetchedManifest {
    std::string media_type;
    std::string digest;  // of the bytes as received
    std::string body;    // byte-exact
};

class RegistryClient {
public:
    RegistryClient(Reference ref, RegistryOptions options);

    // GET /v2/: picks the scheme and learns the authentication the registry wants.
    void ping(HttpClient& http);
    // The manifest or index `ref` names (a tag or a digest), kept byte-exact. Checked against
    // the digest when fetched by digest, and against Docker-Content-Digest when the registry
    // sends one.
    FetchedManifest get_manifest(HttpClient& http, const std::string& ref);
    // Streams blob `digest` into `writer` (resuming after writer.offset() with a Range request
    // when the registry allows), calling progress(bytes of the blob written so far) as data
    // arrives; the caller commits.
    void get_blob(HttpClient& http, const std::string& digest, image::BlobWriter& writer,
                  const std::function<void(uint64_t)>& progress);

    const Reference& reference() const noexcept { return ref_; }
    std::string base_url() const;

private:
    enum class Auth { unknown, none, basic, bearer };
    // A request with authentication, redirects and retries. `on_attempt` runs before each
    // attempt and returns extra header lines (a Range that depends on what has arrived).
    HttpResponse request(HttpClient& http, const std::string& path, const std::function<std::vector<std::string>()>& on_attempt,
                         const BodySink& sink, size_t max_body);
    HttpResponse follow(HttpClient& http, std::string url, const std::vector<std::string>& headers,
                        const std::optional<std::string>& authorization, const BodySink& sink, size_t max_body);
    std::optional<std::string> authorization(HttpClient& http, const std::string& scope, bool refresh);
    std::string fetch_token(HttpClient& http, const std::string& scope);
    // Learns from a 401: true when a retry with (new) credentials may succeed.
    bool learn_challenge(const HttpResponse& r);

    Reference ref_;
    RegistryOptions options_;
    std::string scheme_ = "https";
    std::mutex mutex_;  // guards what follows
    Auth auth_ = Auth::unknown;
    std::string realm_, service_;
    struct Token {
        std::string value;
        std::chrono::steady_clock::time_point expires;
    };
    std::map<std::string, Token> tokens_;  // by scope
};

// "GET URL: 401 Unauthorized: <the registry's error messages>".
std::string describe_failure(const std::string& method, const std::string& url, const HttpResponse& r);

}  // namespace berth::pull
