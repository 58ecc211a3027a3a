// berth-unpack: an image from an OCI image layout into a runtime bundle.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "berth/unpack/unpack.hpp"
#include "berth/util/error.hpp"
#include "berth_config.h"

int main(int argc, char** argv)
{
    using namespace berth;
    CLI::App app{"berth-unpack: turn an image in an OCI image layout into a runtime bundle (rootfs + config.json)",
                 "berth-unpack"};
    app.set_version_flag("-v,--version", std::string("berth-unpack version ") + BERTH_VERSION);
    unpack::UnpackOptions o;
    std::string platform;
    std::vector<std::string> uid_maps, gid_maps;
    bool quiet = false, no_volumes = false;
    app.add_option("layout", o.layout_ref, "LAYOUT[:TAG|@DIGEST]: the image layout and the image in it")->required();
    app.add_option("bundle", o.bundle, "the bundle directory to write (rootfs/ and config.json)")->required();
    app.add_option("--platform", platform, "os/arch[/variant] to pick from a multi-platform image (default: this host)");
    app.add_flag("--rootless", o.convert.rootless,
                 "unpack as an unprivileged user: no chown, no device nodes, a config with a user namespace "
                 "(implied when not run as root)");
    app.add_option("--uid-map", uid_maps, "containerID:hostID:size: owners on disk and linux.uidMappings (repeatable)");
    app.add_option("--gid-map", gid_maps, "containerID:hostID:size: groups on disk and linux.gidMappings (repeatable)");
    app.add_flag("--config-only", o.config_only, "write config.json only (users resolved in an existing rootfs)");
    app.add_flag("--force", o.force, "reuse a non-empty bundle: its rootfs and config.json are replaced");
    app.add_flag("-t,--tty", o.convert.tty, "process.terminal true (and TERM=xterm)");
    app.add_flag("--no-volumes", no_volumes, "leave the image's volumes out instead of mounting a tmpfs on each");
    app.add_flag("-q,--quiet", quiet, "no progress and no warnings");
    CLI11_PARSE(app, argc, argv);

    try {
        if (!platform.empty()) o.platform = image::parse_platform(platform);
        for (auto& m : uid_maps) o.convert.uid_map.ranges.push_back(unpack::parse_id_range(m, "--uid-map"));
        for (auto& m : gid_maps) o.convert.gid_map.ranges.push_back(unpack::parse_id_range(m, "--gid-map"));
        if (::geteuid() != 0) o.convert.rootless = true;
        o.convert.volumes = !no_volumes;
        o.progress = !quiet && ::isatty(STDERR_FILENO);
        if (!quiet) o.warn = [](std::string_view msg) { std::cerr << "berth-unpack: warning: " << msg << '\n'; };
        unpack::unpack_image(o);
    } catch (const Error& e) {
        std::cerr << "berth-unpack: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
