#include "berth/runtime/seccomp_plan.hpp"

#include <linux/capability.h>

#include <chrono>

#include "berth/util/error.hpp"
#include "berth/util/json_reader.hpp"

namespace berth::runtime {

namespace {

bool keeps_sys_admin(const ProcessPlan& p)
{
    if (p.caps.present) return p.caps.effective & (uint64_t{1} << CAP_SYS_ADMIN);
    return p.identity.uid == 0;
}

// After loading a filter with a listener the init hands its fd to berth with sendmsg(2);
// notifying that call would leave the init waiting on a listener only it holds.
void check_notify_rules(const spec::Seccomp& s, const std::string& where)
{
    for (size_t i = 0; i < s.syscalls.size(); ++i) {
        if (os::seccomp_action_from_name(s.syscalls[i].action) != os::SeccompAction::notify) continue;
        const auto& names = s.syscalls[i].names;
        for (size_t k = 0; k < names.size(); ++k)
            if (names[k] == "sendmsg")
                throw Error(json_element_path(json_element_path(where + ".syscalls", i) + ".names", k) +
                            ": SCMP_ACT_NOTIFY cannot be used for sendmsg: berth's init passes the listener's fd with it");
    }
}

}  // namespace

os::SeccompProgram plan_seccomp(const spec::Seccomp& s, const ProcessPlan& process, const Logger& log)
{
    const std::string where = "config.json: .linux.seccomp";
    check_notify_rules(s, where);
    os::SeccompProgram prog;
    prog.flags = os::seccomp_load_flags(s, where, log);
    prog.before_identity = !process.no_new_privileges && !keeps_sys_admin(process);
    auto start = std::chrono::steady_clock::now();
    prog.bpf = os::compile_seccomp(s, where, log);
    log.debug_lazy([&] {
        return "seccomp: compiled " + std::to_string(prog.bpf.size()) + " instructions in " +
               std::to_string(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count()) +
               " us";
    });
    return prog;
}

}  // namespace berth::runtime
