// The config.json that `berth spec` writes, matching `runc spec`.
#pragma once
#include <nlohmann/json.hpp>

namespace berth::spec {

// rootless: like `runc spec --rootless`: a user namespace mapping root to the calling
// euid/egid, no network namespace, /sys bind-mounted, no uid=/gid= mount options, no
// linux.resources.
nlohmann::ordered_json default_spec(bool rootless);

}  // namespace berth::spec
