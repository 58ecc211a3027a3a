#include "command.hpp"

#include <unistd.h>

#include <cstdlib>

#include "berth/cgroups/systemd_client.hpp"
#include "berth/runtime/rootless.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"

namespace berth::cli {

std::string default_root()
{
    const char* xdg = std::getenv("XDG_RUNTIME_DIR");
    if (!xdg || *xdg != '/') return "/run/berth";
    if (::geteuid() != 0) return std::string(xdg) + "/berth";
    // Root of a user namespace (rootless podman runs berth so, with no USER) cannot write
    // /run: runc's rule takes XDG_RUNTIME_DIR there too, unless USER says root.
    const char* user = std::getenv("USER");
    if (user && std::string_view(user) == "root") return "/run/berth";
    try {
        if (!runtime::in_initial_user_namespace(read_file("/proc/self/uid_map"))) return std::string(xdg) + "/berth";
    } catch (const Error&) {
    }
    return "/run/berth";
}

runtime::Context make_context(const GlobalOptions& g, const Logger& log)
{
    if (!g.cgroup_manager.empty() && g.cgroup_manager != "cgroupfs" && g.cgroup_manager != "disabled" &&
        g.cgroup_manager != "systemd")
        throw Error("--cgroup-manager: unknown value \"" + g.cgroup_manager + "\" (cgroupfs, systemd or disabled)");
    if (g.systemd_cgroup && !g.cgroup_manager.empty() && g.cgroup_manager != "systemd")
        throw Error("--systemd-cgroup conflicts with --cgroup-manager " + g.cgroup_manager);
    const bool systemd = g.systemd_cgroup || g.cgroup_manager == "systemd";
    runtime::Rootless rootless = runtime::Rootless::autodetect;
    if (g.rootless == "true")
        rootless = runtime::Rootless::yes;
    else if (g.rootless == "false")
        rootless = runtime::Rootless::no;
    else if (g.rootless != "auto")
        throw Error("--rootless: unknown value \"" + g.rootless + "\" (true, false or auto)");
    runtime::Context ctx{log, state::Store(g.root), g.cgroup_manager == "disabled", g.argv, rootless};
    ctx.systemd_cgroup = systemd;
    // Looked up only for the driver that runs it; berth's own argv[0] says where berth is.
    if (systemd) ctx.systemd_helper = cgroups::systemd::find_helper(g.argv && g.argv[0] ? g.argv[0] : "");
    return ctx;
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
