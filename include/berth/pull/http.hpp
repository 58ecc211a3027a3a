// One HTTP request at a time over a libcurl easy handle (kept, so connections are reused).
// Redirects are not followed here: the registry client follows them itself, so that it decides
// when the Authorization header goes along.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "berth/util/error.hpp"

namespace berth::pull {

struct TransportOptions {
    bool tls_verify = true;
    std::string user_agent = "berth-pull";
};

struct HttpResponse {
    long status = 0;
    std::string reason;                                        // "Unauthorized"
    std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased, in order
    std::string body;                                          // unless streamed to a sink
    std::string url;                                           // where it came from, after redirects
    // The first value of a header, or "".
    std::string header(std::string_view name) const;
    std::vector<std::string> all(std::string_view name) const;
};

// A failure below HTTP (connection refused, reset, timeout, TLS). `retryable` when trying
// again may help: a dropped connection, a timeout; not a certificate problem.
class TransportError : public Error {
public:
    TransportError(std::string message, bool retryable) : Error(std::move(message)), retryable_(retryable) {}
    bool retryable() const noexcept { return retryable_; }

private:
    bool retryable_;
};

// Receives the body of a 2xx response, with the response's status and headers filled in.
// An exception it throws aborts the transfer and comes out of perform().
using BodySink = std::function<void(const HttpResponse& head, const char* data, size_t len)>;

class HttpClient {
public:
    explicit HttpClient(TransportOptions options);
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;
    ~HttpClient();

    // `headers` are full lines ("Accept: ..."). Bodies of non-2xx responses, and of 2xx ones
    // when sink is empty, are kept in HttpResponse::body up to max_body bytes (beyond that the
    // transfer fails). Throws TransportError.
    HttpResponse perform(const std::string& method, const std::string& url, const std::vector<std::string>& headers,
                         const BodySink& sink = {}, size_t max_body = 1u << 20);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// `location` resolved against `base` (relative redirects).
std::string resolve_url(const std::string& base, const std::string& location);
// "scheme://host:port" of a URL, lower-cased, with the scheme's default port filled in: two
// URLs with the same origin may share credentials.
std::string url_origin(const std::string& url);
// Percent-encoding for a query value.
std::string url_escape(std::string_view s);

}  // namespace berth::pull
