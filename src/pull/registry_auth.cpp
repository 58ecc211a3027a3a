// RegistryClient's authentication: what a 401's challenge asks for, Bearer tokens from the
// token server (cached per scope until they expire), Basic credentials.
#include <nlohmann/json.hpp>
#include <thread>

#include "backoff.hpp"
#include "berth/pull/challenge.hpp"
#include "berth/pull/registry.hpp"

namespace berth::pull {

bool RegistryClient::learn_challenge(const HttpResponse& r)
{
    std::vector<Challenge> all;
    for (const auto& h : r.all("www-authenticate"))
        for (auto& c : parse_challenges(h)) all.push_back(std::move(c));
    std::lock_guard lock(mutex_);
    Auth before = auth_;
    for (const auto& c : all)
        if (c.scheme == "bearer" && !c.param("realm").empty()) {
            auth_ = Auth::bearer;
            realm_ = c.param("realm");
            service_ = c.param("service");
            tokens_.clear();  // the one used was refused, or had too small a scope
            return true;
        }
    for (const auto& c : all)
        if (c.scheme == "basic") {
            auth_ = Auth::basic;
            // Credentials already sent and refused: trying again changes nothing.
            return options_.credentials.has_value() && before != Auth::basic;
        }
    return false;
}

std::string RegistryClient::fetch_token(HttpClient& http, const std::string& scope)
{
    std::string url = realm_ + (realm_.find('?') == std::string::npos ? "?" : "&");
    if (!service_.empty()) url += "service=" + url_escape(service_) + "&";
    url += "scope=" + url_escape(scope);
    std::optional<std::string> authz;
    if (options_.credentials) authz = "Basic " + base64_encode(options_.credentials->username + ":" + options_.credentials->password);
    HttpResponse r;
    for (int attempt = 1;; ++attempt) {
        try {
            r = follow(http, url, {}, authz, {}, 1u << 20);
        } catch (const TransportError& e) {
            if (!e.retryable() || attempt >= options_.attempts) throw;
            std::this_thread::sleep_for(backoff_delay(options_, attempt, {}));
            continue;
        }
        if ((r.status == 429 || r.status >= 500) && attempt < options_.attempts) {
            std::this_thread::sleep_for(backoff_delay(options_, attempt, r.header("retry-after")));
            continue;
        }
        break;
    }
    if (r.status != 200) throw Error("get a token: " + describe_failure("GET", r.url, r));
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    std::string token;
    if (j.is_object() && j.contains("token") && j["token"].is_string()) token = j["token"].get<std::string>();
    else if (j.is_object() && j.contains("access_token") && j["access_token"].is_string()) token = j["access_token"].get<std::string>();
    if (token.empty()) throw Error("get a token: " + url + " answered no token");
    long expires_in = 60;  // the spec's default
    if (j.contains("expires_in") && j["expires_in"].is_number_integer() && j["expires_in"].get<long>() > 0)
        expires_in = j["expires_in"].get<long>();
    // Renew a little early, so that a token does not expire between check and use.
    auto lifetime = std::chrono::seconds(expires_in > 20 ? expires_in - 10 : expires_in / 2);
    tokens_[scope] = {token, std::chrono::steady_clock::now() + lifetime};
    return token;
}

std::optional<std::string> RegistryClient::authorization(HttpClient& http, const std::string& scope, bool refresh)
{
    std::lock_guard lock(mutex_);
    switch (auth_) {
    case Auth::unknown:
    case Auth::none:
        return std::nullopt;
    case Auth::basic:
        if (!options_.credentials) return std::nullopt;
        return "Basic " + base64_encode(options_.credentials->username + ":" + options_.credentials->password);
    case Auth::bearer:
        break;
    }
    auto it = tokens_.find(scope);
    if (!refresh && it != tokens_.end() && it->second.expires > std::chrono::steady_clock::now()) return "Bearer " + it->second.value;
    // Under the lock: concurrent downloads wait for one token instead of each fetching one.
    return "Bearer " + fetch_token(http, scope);
}

}  // namespace berth::pull
