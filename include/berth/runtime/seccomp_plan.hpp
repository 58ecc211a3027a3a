// linux.seccomp -> the filter the init loads (ProcessPlan::seccomp). libseccomp 2.5.4 takes
// ~12 ms to compile a profile the size of podman's default on this class of machine, and
// parsing the profile's 17 KB costs more than loading the result, so the compiled filter is
// cached under the state root, keyed by the profile's text: a later start with the same
// profile neither parses nor compiles it.
#pragma once
#include <linux/filter.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "berth/linux/seccomp.hpp"
#include "berth/runtime/process_plan.hpp"
#include "berth/util/log.hpp"

namespace berth::runtime {

// What a profile's text alone decides: the program, the flags for seccomp(2) and where the
// listener's fd goes. This is what the cache keeps.
struct SeccompFilter {
    std::vector<struct sock_filter> bpf;
    unsigned flags = 0;  // SECCOMP_FILTER_FLAG_*
    std::string listener_path, listener_metadata;
};

// Everything the filter depends on: the profile's JSON text byte for byte, and in `head`
// berth's version and the identity of its binary (a rebuilt berth may translate differently;
// it also fixes the native architecture), libseccomp's version, and the kernel's release and
// version (which flags it takes).
struct SeccompCacheKey {
    std::string head;
    std::string_view profile;  // the caller's text, not copied: it is most of the key
};
SeccompCacheKey seccomp_cache_key(std::string_view profile_json);

// Compiled filters in one directory (berth uses <state root>/~seccomp, which is no valid
// container id): one file per key, mode 0600, written to a temporary name and renamed into
// place. The file holds the whole key next to the filter and a checksum of the rest; it is
// used only when it is a regular file owned by berth's uid, not accessible to others, of
// exactly the size its header announces, its key equal byte for byte and its checksum right.
// Anything else is a miss: a stale, truncated or tampered file is never loaded. (No
// cryptographic hash: berth links no crypto library and the kernel here has no AF_ALG; the
// byte comparison of the key does what a digest of it would, and whoever could forge the
// checksum can write the state root, which is root's.)
class SeccompCache {
public:
    explicit SeccompCache(std::string dir) : dir_(std::move(dir)) {}

    std::optional<SeccompFilter> load(const SeccompCacheKey& key) const;
    // Best effort: a cache that cannot be written only costs the next start a compile. Keeps
    // the directory small: past 64 entries the others are removed first.
    void store(const SeccompCacheKey& key, const SeccompFilter& filter) const noexcept;
    // The file that holds key's filter.
    std::string path_for(const SeccompCacheKey& key) const;

private:
    std::string dir_;
};

// The filter for a profile (spec::Linux::seccomp's text): from the cache in cache_dir when
// present and valid; otherwise parsed (spec::parse_seccomp), compiled, compacted when
// compact_seccomp can (seccomp_compact.hpp) and stored there (cache_dir empty: no cache).
// Throws Error with the config's JSON path.
SeccompFilter seccomp_filter(std::string_view profile_json, const std::string& cache_dir, const Logger& log);

// The filter as `process` loads it: before the uid change when it will have neither
// no_new_privs nor CAP_SYS_ADMIN.
os::SeccompProgram plan_seccomp(SeccompFilter filter, const ProcessPlan& process);

}  // namespace berth::runtime
