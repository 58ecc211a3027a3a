#include "command.hpp"

#include "berth/util/error.hpp"

namespace berth::cli {

runtime::Context make_context(const GlobalOptions& g, const Logger& log)
{
    if (g.systemd_cgroup || g.cgroup_manager == "systemd")
        throw Error("the systemd cgroup driver is not supported by berth yet; use --cgroup-manager=cgroupfs");
    if (!g.cgroup_manager.empty() && g.cgroup_manager != "cgroupfs" && g.cgroup_manager != "disabled")
        throw Error("--cgroup-manager: unknown value \"" + g.cgroup_manager + "\" (cgroupfs, systemd or disabled)");
    if (g.rootless == "true") throw Error("rootless containers are not supported by berth yet (--rootless=true)");
    if (g.rootless != "auto" && g.rootless != "false")
        throw Error("--rootless: unknown value \"" + g.rootless + "\" (true, false or auto)");
    return runtime::Context{log, state::Store(g.root), g.cgroup_manager == "disabled", g.argv};
}

void add_create_flags(CLI::App& sub, runtime::CreateOptions& o)
{
    sub.add_option("id", o.id, "container id")->required();
    sub.add_option("-b,--bundle", o.bundle, "path to the bundle directory (default: current directory)");
    sub.add_option("--pid-file", o.pid_file, "write the container init's pid to this file");
    sub.add_option("--console-socket", o.console_socket, "unix socket that receives the pty master");
    sub.add_flag("--no-pivot", o.no_pivot, "use chroot instead of pivot_root (for ramdisk roots)");
    sub.add_flag("--no-new-keyring", o.no_new_keyring, "keep the caller's session keyring");
    sub.add_option("--preserve-fds", o.preserve_fds, "pass this many fds after stderr (3, 4, ...) to the container")
        ->check(CLI::NonNegativeNumber);
}

}  // namespace berth::cli
