// config.json -> InitPlan: the translation from the spec's words to prepared system-call inputs.
#pragma once
#include <string>
#include <vector>

#include "berth/cgroups/manager.hpp"
#include "berth/runtime/init_plan.hpp"
#include "berth/spec/config.hpp"
#include "berth/util/log.hpp"

namespace berth::runtime {

struct PlanInputs {
    std::string id;
    std::string bundle;  // absolute
    std::string rootfs;  // absolute
    bool no_pivot = false;
    bool no_new_keyring = false;
    int preserve_fds = 0;
    cgroups::Mode cgroup_mode = cgroups::Mode::unified;
    std::vector<cgroups::Hierarchy> hierarchies;  // empty when cgroups are disabled
};

// Throws Error with the config's JSON path for anything that cannot be translated. Opens the
// fds the init needs (namespace paths, /dev/null); the exec fifo is the caller's.
InitPlan build_plan(const spec::Config& config, const PlanInputs& in, const Logger& log);

// Home directory of uid from the rootfs's /etc/passwd, resolved inside the rootfs; "/" if none.
std::string home_from_passwd(const std::string& passwd_text, uid_t uid);

}  // namespace berth::runtime
