// linux.seccomp -> the filter the init loads (ProcessPlan::seccomp). libseccomp 2.5.4 takes
// ~12 ms to compile a profile the size of podman's default on this class of machine, so the
// compiled program is cached under the state root and later starts with the same profile read
// it back instead.
#pragma once
#include <linux/filter.h>

#include <optional>
#include <string>
#include <vector>

#include "berth/linux/seccomp.hpp"
#include "berth/runtime/process_plan.hpp"
#include "berth/spec/config.hpp"
#include "berth/util/log.hpp"

namespace berth::runtime {

// Everything the compiled program depends on, as unambiguous text (strings length-prefixed):
// the profile's default action and errno, architectures and rules; libseccomp's version; the
// native architecture; berth's version and the identity of its binary (a rebuilt berth may
// translate differently). Flags and the listener are passed at load and are not part of it.
std::string seccomp_cache_key(const spec::Seccomp& s);

// Compiled programs in one directory (berth uses <state root>/~seccomp, which is no valid
// container id): one file per key, mode 0600, written to a temporary name and renamed into
// place. The file holds the whole key next to the program and a checksum of both; it is used
// only when it is a regular file owned by berth's uid, not accessible to others, of exactly the
// size its header announces, its key equal byte for byte and its checksum right. Anything
// else is a miss: a stale, truncated or tampered file is never loaded. (No cryptographic hash:
// berth links no crypto library and the kernel here has no AF_ALG; the byte comparison of the
// key does what a digest of it would, and whoever could forge the checksum can write the state
// root, which is root's.)
class SeccompCache {
public:
    explicit SeccompCache(std::string dir) : dir_(std::move(dir)) {}

    std::optional<std::vector<struct sock_filter>> load(const std::string& key) const;
    // Best effort: a cache that cannot be written only costs the next start a compile. Keeps
    // the directory small: past 64 entries the others are removed first.
    void store(const std::string& key, const std::vector<struct sock_filter>& bpf) const noexcept;
    // The file that holds key's program.
    std::string path_for(const std::string& key) const;

private:
    std::string dir_;
};

// The program for `process`: from the cache in cache_dir when present and valid, otherwise
// compiled, compacted when compact_seccomp can (seccomp_compact.hpp), and stored there (cache_dir empty: no cache). Decides when the init loads it
// (before the uid change when it will have neither no_new_privs nor CAP_SYS_ADMIN). Throws
// Error with the config's JSON path.
os::SeccompProgram plan_seccomp(const spec::Seccomp& s, const ProcessPlan& process, const std::string& cache_dir,
                                const Logger& log);

}  // namespace berth::runtime
