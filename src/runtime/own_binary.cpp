#include "berth/runtime/own_binary.hpp"

#include <unistd.h>

#include <cerrno>

#include "berth/linux/self_exe.hpp"
#include "berth/runtime/rootless.hpp"
#include "berth/util/error.hpp"

namespace berth::runtime {

bool own_binary_reachable(const spec::Config& config, bool for_run)
{
    if (!for_run) return true;
    if (config.linux)
        for (const auto& ns : config.linux->namespaces)
            if (ns.type == spec::NamespaceType::pid && ns.path.empty()) return false;
    return true;
}

void protect_own_binary(const Context& ctx, bool needed)
{
    if (!needed) return;
    if (!ctx.self_argv) throw Error("cannot run from a read-only mount of berth's own binary: no argv");
    if (os::run_from_readonly_self(ctx.self_argv)) return;
    int err = errno;
    // Rootless, cloning a mount is refused (no CAP_SYS_ADMIN over the host's mounts). Nothing
    // is lost where this user cannot write the binary either: the container runs as this user
    // (or ids it maps), so /proc/<pid>/exe opens no more than the user could open.
    if (err == EPERM && is_rootless(ctx) && ::access("/proc/self/exe", W_OK) < 0 && errno == EACCES) return;
    throw_errno(err, "run from a read-only mount of berth's own binary");
}

}  // namespace berth::runtime
