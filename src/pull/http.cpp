#include "berth/pull/http.hpp"

#include <curl/curl.h>

#include <cctype>
#include <exception>

#include "berth/pull/ascii.hpp"

namespace berth::pull {

namespace {

std::string trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
    return std::string(s);
}

bool retryable(CURLcode c)
{
    switch (c) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CONNECT_ERROR:  // no TLS there (a plain http registry): trying again will not help
    case CURLE_OUT_OF_MEMORY:
    case CURLE_WRITE_ERROR:
    case CURLE_ABORTED_BY_CALLBACK:
    case CURLE_FILESIZE_EXCEEDED:
        return false;
    default:
        return true;
    }
}

struct Transfer {
    HttpResponse response;
    const BodySink* sink = nullptr;
    size_t max_body = 0;
    std::exception_ptr error;
};

size_t on_header(char* data, size_t size, size_t n, void* user)
{
    auto* t = static_cast<Transfer*>(user);
    std::string_view line(data, size * n);
    if (line.starts_with("HTTP/")) {
        // A new response (after 100 Continue, say): start over.
        t->response.headers.clear();
        auto sp = line.find(' ');
        auto sp2 = sp == std::string_view::npos ? sp : line.find(' ', sp + 1);
        t->response.reason = sp2 == std::string_view::npos ? std::string{} : trim(line.substr(sp2 + 1));
        return size * n;
    }
    auto colon = line.find(':');
    if (colon != std::string_view::npos) t->response.headers.emplace_back(ascii_lower(trim(line.substr(0, colon))), trim(line.substr(colon + 1)));
    return size * n;
}

size_t on_body(char* data, size_t size, size_t n, void* user, CURL* curl)
{
    auto* t = static_cast<Transfer*>(user);
    size_t len = size * n;
    if (t->response.status == 0) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &t->response.status);
    long st = t->response.status;
    if (st >= 200 && st < 300 && t->sink && *t->sink) {
        try {
            (*t->sink)(t->response, data, len);
        } catch (...) {
            t->error = std::current_exception();
            return 0;  // aborts the transfer; perform() rethrows
        }
        return len;
    }
    if (t->response.body.size() + len > t->max_body) return 0;
    t->response.body.append(data, len);
    return len;
}

struct BodyCallback {
    Transfer* transfer;
    CURL* curl;
};

size_t on_body_trampoline(char* data, size_t size, size_t n, void* user)
{
    auto* cb = static_cast<BodyCallback*>(user);
    return on_body(data, size, n, cb->transfer, cb->curl);
}

struct SlistFree {
    void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};

}  // namespace

struct HttpClient::Impl {
    TransportOptions options;
    CURL* curl = nullptr;
    ~Impl()
    {
        if (curl) curl_easy_cleanup(curl);
    }
};

HttpClient::HttpClient(TransportOptions options) : impl_(std::make_unique<Impl>())
{
    impl_->options = std::move(options);
    impl_->curl = curl_easy_init();
    if (!impl_->curl) throw Error("curl_easy_init failed");
}

HttpClient::~HttpClient() = default;

HttpResponse HttpClient::perform(const std::string& method, const std::string& url, const std::vector<std::string>& headers,
                                 const BodySink& sink, size_t max_body)
{
    CURL* c = impl_->curl;
    curl_easy_reset(c);  // keeps the connection cache
    Transfer t;
    t.sink = &sink;
    t.max_body = max_body;
    BodyCallback cb{&t, c};
    std::unique_ptr<curl_slist, SlistFree> list;
    for (const auto& h : headers) {
        curl_slist* l = curl_slist_append(list.get(), h.c_str());
        if (!l) throw Error("curl_slist_append failed");
        (void)list.release();
        list.reset(l);
    }
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    if (method == "HEAD")
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    else if (method != "GET")
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, list.get());
    curl_easy_setopt(c, CURLOPT_USERAGENT, impl_->options.user_agent.c_str());
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
    // A transfer that stalls (under 1 byte/s for 60 s) counts as a dropped connection.
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_BUFFERSIZE, 256L * 1024);
    if (!impl_->options.tls_verify) {
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body_trampoline);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &cb);
    CURLcode rc = curl_easy_perform(c);
    if (t.error) std::rethrow_exception(t.error);
    if (rc != CURLE_OK) {
        bool too_big = rc == CURLE_WRITE_ERROR;
        throw TransportError(method + " " + url + ": " +
                                 (too_big ? "response larger than " + std::to_string(max_body) + " bytes" : curl_easy_strerror(rc)),
                             retryable(rc));
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &t.response.status);
    return std::move(t.response);
}

std::string HttpResponse::header(std::string_view name) const
{
    for (const auto& [k, v] : headers)
        if (k == name) return v;
    return {};
}

std::vector<std::string> HttpResponse::all(std::string_view name) const
{
    std::vector<std::string> out;
    for (const auto& [k, v] : headers)
        if (k == name) out.push_back(v);
    return out;
}

namespace {

struct UrlFree {
    void operator()(CURLU* u) const noexcept { curl_url_cleanup(u); }
};

std::string url_part(CURLU* u, CURLUPart part, unsigned flags = 0)
{
    char* s = nullptr;
    if (curl_url_get(u, part, &s, flags) != CURLUE_OK || !s) return {};
    std::string out(s);
    curl_free(s);
    return out;
}

}  // namespace

std::string resolve_url(const std::string& base, const std::string& location)
{
    std::unique_ptr<CURLU, UrlFree> u(curl_url());
    if (!u || curl_url_set(u.get(), CURLUPART_URL, base.c_str(), 0) != CURLUE_OK ||
        curl_url_set(u.get(), CURLUPART_URL, location.c_str(), 0) != CURLUE_OK)
        throw Error("bad redirect location \"" + location + "\" from " + base);
    return url_part(u.get(), CURLUPART_URL);
}

std::string url_origin(const std::string& url)
{
    std::unique_ptr<CURLU, UrlFree> u(curl_url());
    if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) throw Error("bad URL \"" + url + "\"");
    return ascii_lower(url_part(u.get(), CURLUPART_SCHEME) + "://" + url_part(u.get(), CURLUPART_HOST) + ":" +
                 url_part(u.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT));
}

std::string url_escape(std::string_view s)
{
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += ch;
        } else {
            out += '%';
            out += digits[c >> 4];
            out += digits[c & 0xf];
        }
    }
    return out;
}

}  // namespace berth::pull
