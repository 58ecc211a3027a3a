// WWW-Authenticate challenges (RFC 7235): `Bearer realm="https://auth/token",service="reg",
// scope="repository:x:pull"` or `Basic realm="Registry"`.
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace berth::pull {

struct Challenge {
    std::string scheme;                         // lower-cased: "bearer", "basic"
    std::map<std::string, std::string> params;  // keys lower-cased, values unquoted
    std::string param(const std::string& key) const
    {
        auto it = params.find(key);
        return it == params.end() ? std::string{} : it->second;
    }
};

// All challenges of one or more header values (several challenges may share a header, comma
// separated). Malformed parts are skipped, not fatal: the caller reports "no usable challenge".
std::vector<Challenge> parse_challenges(std::string_view header);

}  // namespace berth::pull
