// Registry credentials as the containers tools and docker keep them: auth.json / config.json
// with {"auths": {"registry[/namespace]": {"auth": base64("user:pass")}}}.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace berth::pull {

struct Credentials {
    std::string username;
    std::string password;
};

// "USER[:PASS]" of --creds (an empty password when no ':').
Credentials parse_creds(std::string_view s);

// The files looked up, in order: `authfile` (--authfile) alone when given; else
// $REGISTRY_AUTH_FILE, $XDG_RUNTIME_DIR/containers/auth.json, ~/.docker/config.json. Missing
// files are skipped. `env` is a getenv-like function so that tests can supply their own.
std::vector<std::string> auth_files(const std::string& authfile, const char* (*env)(const char*));

// Credentials for `registry`/`repository` from one auth file's text: the most specific key
// wins ("reg/ns/repo", "reg/ns", "reg"; docker.io also as "https://index.docker.io/v1/", and
// keys given as URLs are reduced to their host). nullopt when none. Throws Error on a file
// that is not JSON or a bad "auth" value.
std::optional<Credentials> credentials_from_auth_json(std::string_view text, const std::string& registry,
                                                      const std::string& repository);

// Through auth_files(); the first file holding an entry wins.
std::optional<Credentials> find_credentials(const std::vector<std::string>& files, const std::string& registry,
                                            const std::string& repository);

std::string base64_encode(std::string_view data);
// Throws Error on invalid input.
std::string base64_decode(std::string_view data);

}  // namespace berth::pull
