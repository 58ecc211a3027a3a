// Image references as docker and the containers tools read them, Docker Hub's defaults included:
// "busybox" is docker.io/library/busybox:latest.
#pragma once
#include <string>
#include <string_view>

namespace berth::pull {

struct Reference {
    std::string registry;    // "docker.io", "localhost:5000", "127.0.0.1:5000", "quay.io"
    std::string repository;  // "library/busybox", "team/app"
    std::string tag;         // empty when pulled by digest only
    std::string digest;      // empty unless given
    // registry/repository[:tag][@digest]
    std::string str() const;
    // What to ask the registry's manifests endpoint for: the digest when there is one.
    std::string manifest_ref() const { return digest.empty() ? tag : digest; }
};

// Throws Error "invalid reference \"...\": <why>". A first component with a '.' or ':', or
// "localhost", names the registry; otherwise it is Docker Hub (docker.io, with "library/" for a
// one-component name). index.docker.io is docker.io. The tag defaults to "latest" unless a
// digest is given.
Reference parse_reference(std::string_view s);

// The host[:port] the registry API lives on: Docker Hub's is registry-1.docker.io.
std::string api_host(const std::string& registry);

}  // namespace berth::pull
