#include <sys/capability.h>

#include <iostream>

#include "berth/spec/version.hpp"
#include "berth_commit.h"
#include "berth_config.h"
#include "command.hpp"

namespace berth::cli {

namespace {

// runtime-spec features.md: only what berth really does today.
nlohmann::ordered_json features()
{
    nlohmann::ordered_json caps = nlohmann::ordered_json::array();
    for (int i = 0; i <= CAP_LAST_CAP; ++i) {
        char* name = ::cap_to_name(static_cast<cap_value_t>(i));
        if (!name) continue;
        std::string n(name);
        ::cap_free(name);
        for (auto& c : n) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (n.rfind("CAP_", 0) == 0) caps.push_back(n);
    }
    nlohmann::ordered_json j;
    j["ociVersionMin"] = "1.0.0";
    j["ociVersionMax"] = spec::oci_version;
    j["hooks"] = nlohmann::ordered_json::array();
    j["mountOptions"] = {"async",  "atime",  "bind",     "defaults", "dev",        "diratime", "dirsync",  "exec",
                         "lazytime", "mand", "noatime",  "nodev",    "nodiratime", "noexec",   "nolazytime", "nomand",
                         "norelatime", "nostrictatime", "nosuid", "nosymfollow", "private", "rbind", "relatime",
                         "ro", "rprivate", "rshared", "rslave", "runbindable", "rw", "shared", "slave",
                         "strictatime", "suid", "symfollow", "sync", "unbindable",
                         "rro", "rrw", "rnosuid", "rsuid", "rnodev", "rdev", "rnoexec", "rexec",
                         "rnoatime", "rrelatime", "rstrictatime", "rnodiratime", "rdiratime", "rnosymfollow", "rsymfollow"};
    auto& l = j["linux"];
    l["namespaces"] = {"cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"};
    l["capabilities"] = caps;
    l["cgroup"] = {{"v1", true}, {"v2", true}, {"systemd", false}, {"systemdUser", false}, {"rdma", false}};
    l["seccomp"] = {{"enabled", false}};
    l["apparmor"] = {{"enabled", false}};
    l["selinux"] = {{"enabled", false}};
    l["intelRdt"] = {{"enabled", false}};
    l["mountExtensions"] = {{"idmap", {{"enabled", false}}}};
    j["annotations"] = {{"io.github.berth.version", BERTH_VERSION}, {"io.github.berth.commit", BERTH_COMMIT}};
    return j;
}

}  // namespace

void add_features(CLI::App& app, Action& action)
{
    auto* sub = app.add_subcommand("features", "print what this runtime supports (runtime-spec features.md)");
    sub->callback([&action] {
        action = [](const GlobalOptions&, const Logger&) {
            std::cout << features().dump(2) << '\n';
            return 0;
        };
    });
}

}  // namespace berth::cli
