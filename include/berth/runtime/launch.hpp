// `create` and `run`: from a bundle to a container init waiting for start (or running).
#pragma once
#include <string>

#include "berth/state/store.hpp"
#include "berth/util/log.hpp"

namespace berth::runtime {

// --rootless: what berth may expect of the host (runc's rule for "auto": rootless when not
// host root, or root only of a user namespace, as under rootless podman).
enum class Rootless { autodetect, yes, no };

struct Context {
    const Logger& log;
    state::Store store;
    bool cgroups_disabled = false;
    // berth's own argv, to execute itself again from a read-only mount (SECURITY.md #1).
    char** self_argv = nullptr;
    Rootless rootless = Rootless::autodetect;
    // --systemd-cgroup / --cgroup-manager=systemd, and where its helper is.
    bool systemd_cgroup = false;
    std::string systemd_helper;
};

// Whether berth runs rootless: then a cgroup it may not create is skipped with a warning
// naming the limits not applied, instead of failing the container. Looks at the host only
// for "auto" as root (its user namespace's uid_map).
bool is_rootless(const Context& ctx);

struct CreateOptions {
    std::string id;
    std::string bundle;          // as given; made absolute
    std::string pid_file;
    std::string console_socket;  // terminals are not supported yet: refused when set
    bool no_pivot = false;
    bool no_new_keyring = false;
    int preserve_fds = 0;
};

// Leaves the init blocked on the exec fifo, status "created". On failure nothing is left
// behind: no state dir, no cgroup, no process.
void create_container(const Context& ctx, const CreateOptions& opts);

struct RunOptions {
    bool detach = false;
    bool keep = false;  // keep the stopped container's state after a foreground run
};

// create + start. Foreground: forwards signals to the init, waits, returns its exit status
// (128+signal when killed) and deletes the container unless `keep`. Detached: returns 0 once
// the process runs.
int run_container(const Context& ctx, const CreateOptions& opts, const RunOptions& run);

}  // namespace berth::runtime
