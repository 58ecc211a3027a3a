#include "berth/pull/reference.hpp"

#include "berth/image/digest.hpp"
#include "berth/image/layout.hpp"
#include "berth/util/error.hpp"

namespace berth::pull {

namespace {

bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// distribution's path-component: [a-z0-9]+ joined by '.', '_', '__' or runs of '-'.
bool valid_component(std::string_view c)
{
    if (c.empty() || !lower_alnum(c.front()) || !lower_alnum(c.back())) return false;
    for (size_t i = 0; i < c.size(); ++i) {
        char ch = c[i];
        if (lower_alnum(ch) || ch == '-') continue;
        if (ch == '.' || ch == '_') {
            // a separator is followed by alnum, except "__"
            char next = c[i + 1];
            if (ch == '_' && next == '_' && lower_alnum(c[i + 2])) {
                ++i;
                continue;
            }
            if (!lower_alnum(next)) return false;
            continue;
        }
        return false;
    }
    return true;
}

bool looks_like_registry(std::string_view first)
{
    return first.find_first_of(".:") != std::string_view::npos || first == "localhost" ||
           first.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string_view::npos;
}

}  // namespace

std::string Reference::str() const
{
    std::string s = registry + "/" + repository;
    if (!tag.empty()) s += ":" + tag;
    if (!digest.empty()) s += "@" + digest;
    return s;
}

Reference parse_reference(std::string_view s)
{
    auto fail = [&](const std::string& why) { return Error("invalid reference \"" + std::string(s) + "\": " + why); };
    Reference r;
    std::string_view rest = s;
    if (auto at = rest.find('@'); at != std::string_view::npos) {
        try {
            r.digest = image::parse_digest(rest.substr(at + 1)).str();
        } catch (const Error& e) {
            throw fail(e.what());
        }
        rest = rest.substr(0, at);
    }
    auto slash = rest.find('/');
    if (slash != std::string_view::npos && looks_like_registry(rest.substr(0, slash))) {
        r.registry = rest.substr(0, slash);
        rest = rest.substr(slash + 1);
        for (char c : r.registry)
            if (!(lower_alnum(c) || (c >= 'A' && c <= 'Z') || c == '.' || c == '-' || c == ':' || c == '[' || c == ']'))
                throw fail("bad registry name");
    } else {
        r.registry = "docker.io";
    }
    if (r.registry == "index.docker.io") r.registry = "docker.io";
    auto last_slash = rest.rfind('/');
    auto colon = rest.rfind(':');
    if (colon != std::string_view::npos && (last_slash == std::string_view::npos || colon > last_slash)) {
        r.tag = rest.substr(colon + 1);
        rest = rest.substr(0, colon);
        if (!image::is_valid_tag(r.tag)) throw fail("bad tag \"" + r.tag + "\"");
    }
    if (rest.empty()) throw fail("no repository name");
    r.repository = rest;
    if (r.registry == "docker.io" && r.repository.find('/') == std::string::npos) r.repository = "library/" + r.repository;
    if (r.registry.size() + 1 + r.repository.size() > 255) throw fail("name longer than 255 characters");
    for (size_t start = 0;;) {
        size_t end = r.repository.find('/', start);
        std::string_view comp = std::string_view(r.repository).substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!valid_component(comp))
            throw fail("bad repository name component \"" + std::string(comp) + "\" (lower-case letters, digits and . _ - only)");
        if (end == std::string::npos) break;
        start = end + 1;
    }
    if (r.tag.empty() && r.digest.empty()) r.tag = "latest";
    return r;
}

std::string api_host(const std::string& registry)
{
    return registry == "docker.io" ? "registry-1.docker.io" : registry;
}

}  // namespace berth::pull
