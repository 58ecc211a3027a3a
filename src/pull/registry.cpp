#include "berth/pull/registry.hpp"

#include <nlohmann/json.hpp>
#include <thread>

#include "berth/image/digest.hpp"
#include "berth/image/media_types.hpp"
#include "backoff.hpp"

namespace berth::pull {

namespace mt = image::media_type;

namespace {

std::string default_reason(long status)
{
    switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 416: return "Range Not Satisfiable";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    default: return {};
    }
}

bool is_redirect(long s) { return s == 301 || s == 302 || s == 303 || s == 307 || s == 308; }

std::string media_type_of(const HttpResponse& r, const nlohmann::json& body)
{
    std::string ct = r.header("content-type");
    if (auto semi = ct.find(';'); semi != std::string::npos) ct = ct.substr(0, semi);
    while (!ct.empty() && ct.back() == ' ') ct.pop_back();
    if (mt::is_index(ct) || mt::is_manifest(ct)) return ct;
    // Some registries answer application/json: the document says what it is.
    if (body.is_object() && body.contains("mediaType") && body["mediaType"].is_string()) return body["mediaType"].get<std::string>();
    if (!ct.empty() && ct != "application/json" && ct != "text/plain") return ct;
    return std::string(body.is_object() && body.contains("manifests") ? mt::oci_index : mt::oci_manifest);
}

}  // namespace

std::string describe_failure(const std::string& method, const std::string& url, const HttpResponse& r)
{
    std::string reason = r.reason.empty() ? default_reason(r.status) : r.reason;
    std::string s = method + " " + url + ": " + std::to_string(r.status) + (reason.empty() ? "" : " " + reason);
    std::string detail;
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (j.is_object() && j.contains("errors") && j["errors"].is_array()) {
        for (const auto& e : j["errors"]) {
            if (!e.is_object()) continue;
            std::string m = e.value("message", "");
            std::string code = e.value("code", "");
            if (!detail.empty()) detail += "; ";
            detail += m.empty() ? code : (code.empty() ? m : m + " (" + code + ")");
        }
    } else if (j.is_object() && j.contains("details") && j["details"].is_string()) {
        detail = j["details"].get<std::string>();  // token servers
    } else {
        detail = r.body.substr(0, r.body.find('\n'));
        if (detail.size() > 200) detail = detail.substr(0, 200) + "...";
    }
    if (!detail.empty()) s += ": " + detail;
    return s;
}

RegistryClient::RegistryClient(Reference ref, RegistryOptions options) : ref_(std::move(ref)), options_(std::move(options))
{
    if (options_.plain_http) scheme_ = "http";
}

std::string RegistryClient::base_url() const { return scheme_ + "://" + api_host(ref_.registry); }

HttpResponse RegistryClient::follow(HttpClient& http, std::string url, const std::vector<std::string>& headers,
                                    const std::optional<std::string>& authorization, const BodySink& sink, size_t max_body)
{
    const std::string origin = url_origin(url);
    for (int hops = 0;; ++hops) {
        std::vector<std::string> h = headers;
        // Credentials go to the origin they were meant for only: a redirect to blob storage
        // elsewhere (a CDN, S3 with a signed URL) gets none.
        if (authorization && url_origin(url) == origin) h.push_back("Authorization: " + *authorization);
        HttpResponse r = http.perform("GET", url, h, sink, max_body);
        r.url = url;
        std::string location = r.header("location");
        if (!is_redirect(r.status) || location.empty()) return r;
        if (hops >= 10) throw Error("GET " + url + ": more than 10 redirects");
        url = resolve_url(url, location);
    }
}

HttpResponse RegistryClient::request(HttpClient& http, const std::string& path,
                                     const std::function<std::vector<std::string>()>& on_attempt, const BodySink& sink,
                                     size_t max_body)
{
    const std::string scope = "repository:" + ref_.repository + ":pull";
    bool reauthenticated = false;
    for (int attempt = 1;; ++attempt) {
        std::vector<std::string> headers = on_attempt ? on_attempt() : std::vector<std::string>{};
        HttpResponse r;
        try {
            r = follow(http, base_url() + path, headers, authorization(http, scope, false), sink, max_body);
        } catch (const TransportError& e) {
            if (!e.retryable() || attempt >= options_.attempts) throw;
            std::this_thread::sleep_for(backoff_delay(options_, attempt, {}));
            continue;
        }
        if (r.status == 401 && !reauthenticated && learn_challenge(r)) {
            reauthenticated = true;
            --attempt;  // not a failure of the registry
            continue;
        }
        if ((r.status == 429 || r.status >= 500) && attempt < options_.attempts) {
            std::this_thread::sleep_for(backoff_delay(options_, attempt, r.header("retry-after")));
            continue;
        }
        return r;
    }
}

void RegistryClient::ping(HttpClient& http)
{
    std::vector<std::string> schemes;
    if (options_.plain_http) schemes = {"http"};
    else if (options_.insecure) schemes = {"https", "http"};
    else schemes = {"https"};
    for (size_t i = 0; i < schemes.size(); ++i) {
        scheme_ = schemes[i];
        HttpResponse r;
        try {
            r = request(http, "/v2/", {}, {}, 1u << 20);
        } catch (const TransportError&) {
            if (i + 1 < schemes.size()) continue;  // --tls-verify=false: a registry on plain http
            throw;
        }
        if (r.status == 401) {
            std::lock_guard lock(mutex_);
            if (auth_ == Auth::unknown) throw Error(describe_failure("GET", r.url, r) + " (no usable WWW-Authenticate challenge)");
            return;  // basic without credentials: the requests say so
        }
        if (r.status != 200) throw Error(describe_failure("GET", r.url, r));
        std::lock_guard lock(mutex_);
        if (auth_ == Auth::unknown) auth_ = Auth::none;
        return;
    }
}

FetchedManifest RegistryClient::get_manifest(HttpClient& http, const std::string& ref)
{
    static const std::string accept = "Accept: " + std::string(mt::oci_manifest) + ", " + std::string(mt::oci_index) + ", " +
                                      std::string(mt::docker_manifest) + ", " + std::string(mt::docker_manifest_list);
    HttpResponse r = request(http, "/v2/" + ref_.repository + "/manifests/" + ref, [] { return std::vector<std::string>{accept}; }, {},
                             4u << 20);
    if (r.status != 200) {
        std::string msg = describe_failure("GET", r.url, r);
        if ((r.status == 401 || r.status == 403) && !options_.credentials)
            msg += " (no credentials for " + ref_.registry + ": see --creds and --authfile)";
        throw Error(msg);
    }
    auto body = nlohmann::json::parse(r.body, nullptr, false);
    if (!body.is_object()) throw Error("GET " + r.url + ": the manifest is not a JSON object");
    FetchedManifest m;
    m.media_type = media_type_of(r, body);
    if (!mt::is_index(m.media_type) && !mt::is_manifest(m.media_type))
        throw Error("GET " + r.url + ": unsupported manifest type \"" + m.media_type + "\"");
    if (image::is_valid_digest(ref)) {
        image::Hasher h(image::parse_digest(ref).algorithm);
        h.update(r.body);
        if (h.digest() != ref) throw Error("GET " + r.url + ": the manifest's digest is " + h.digest() + ", not the one asked for");
        m.digest = ref;
    } else {
        m.digest = image::sha256_digest(r.body);
        if (std::string dcd = r.header("docker-content-digest"); !dcd.empty()) {
            image::Hasher h(image::parse_digest(dcd).algorithm);
            h.update(r.body);
            if (h.digest() != dcd)
                throw Error("GET " + r.url + ": Docker-Content-Digest says " + dcd + " but the manifest's digest is " + h.digest());
        }
    }
    m.body = std::move(r.body);
    return m;
}

void RegistryClient::get_blob(HttpClient& http, const std::string& digest, image::BlobWriter& writer,
                              const std::function<void(uint64_t)>& progress)
{
    const std::string path = "/v2/" + ref_.repository + "/blobs/" + digest;
    bool started = false;
    auto on_attempt = [&] {
        started = false;
        std::vector<std::string> h;
        if (writer.offset() > 0) h.push_back("Range: bytes=" + std::to_string(writer.offset()) + "-");
        return h;
    };
    auto sink = [&](const HttpResponse& head, const char* data, size_t len) {
        if (!started) {
            started = true;
            if (head.status == 206) {
                // "bytes START-END/TOTAL": START must be where the file ends.
                std::string cr = head.header("content-range");
                std::string want = "bytes " + std::to_string(writer.offset()) + "-";
                if (!cr.starts_with(want)) throw Error("GET " + path + ": Content-Range \"" + cr + "\" does not continue at " + want.substr(6));
            } else if (writer.offset() > 0) {
                writer.restart();  // the registry ignored the Range: the whole blob comes
            }
        }
        writer.write(data, len);
        if (progress) progress(writer.offset());
    };
    HttpResponse r = request(http, path, on_attempt, sink, 64 * 1024);
    if (r.status == 416) {
        // What was kept is not a prefix the registry agrees with: start over.
        writer.restart();
        r = request(http, path, on_attempt, sink, 64 * 1024);
    }
    if (r.status != 200 && r.status != 206) throw Error(describe_failure("GET", r.url, r));
}

}  // namespace berth::pull
