// linux.seccomp -> the filter the init loads (ProcessPlan::seccomp), compiled by berth before
// clone.
#pragma once
#include "berth/linux/seccomp.hpp"
#include "berth/runtime/process_plan.hpp"
#include "berth/spec/config.hpp"
#include "berth/util/log.hpp"

namespace berth::runtime {

// The program for `process`, compiled. Decides when the init loads it (before the uid change
// when it will have neither no_new_privs nor CAP_SYS_ADMIN). Throws Error with the config's
// JSON path.
os::SeccompProgram plan_seccomp(const spec::Seccomp& s, const ProcessPlan& process, const Logger& log);

}  // namespace berth::runtime
