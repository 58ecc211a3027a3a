#include "berth/runtime/own_binary.hpp"

#include "berth/linux/self_exe.hpp"
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
    if (!os::run_from_readonly_self(ctx.self_argv)) throw_errno("run from a read-only mount of berth's own binary");
}

}  // namespace berth::runtime
