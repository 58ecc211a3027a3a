// Everything about the process a container runs, computed by berth before clone: the child
// then only executes system calls on prepared data. Built the same way from config.json's
// .process (create) and from `exec --process FILE` (exec); both end in finish_process().
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "berth/linux/process_attrs.hpp"
#include "berth/linux/process_setup.hpp"
#include "berth/linux/lsm.hpp"
#include "berth/linux/seccomp.hpp"
#include "berth/spec/config.hpp"
#include "berth/spec/defaults.hpp"
#include "berth/util/log.hpp"

namespace berth::runtime {

// process.terminal: the process gets a pty of the container's devpts as its stdio and
// controlling terminal (finish_process); its master goes to berth (handshake step 7a).
struct TerminalPlan {
    uint16_t rows = 0;  // process.consoleSize; 0x0 leaves the kernel's default
    uint16_t cols = 0;
    bool mount_console = false;  // bind it over /dev/console: the container's init, not an exec
};

struct ProcessPlan {
    std::vector<std::string> args;
    std::vector<std::string> env;
    std::vector<char*> argv;  // pointers into args/env, NULL-terminated: finalize_pointers()
    std::vector<char*> envp;
    std::string path_env;     // PATH from env, for the executable lookup inside the container
    std::string cwd;          // absolute inside the container
    os::Identity identity;
    os::CapabilitySets caps;
    std::vector<os::RlimitSetting> rlimits;
    std::optional<mode_t> umask;
    bool no_new_privileges = false;
    int preserve_fds = 0;     // fds 3 .. 3+n-1 stay open across execve
    std::optional<TerminalPlan> terminal;
    // Applied before the capabilities are dropped (a real-time policy needs CAP_SYS_NICE).
    std::optional<unsigned long> personality;  // linux.personality (create only)
    std::optional<os::SchedAttr> scheduler;
    std::optional<int> ioprio;                 // ioprio_set value
    std::optional<os::MemPolicy> mempolicy;    // linux.memoryPolicy (create only)
    std::optional<cpu_set_t> cpus_initial;     // set by berth on the new process right after clone
    std::optional<cpu_set_t> cpus_final;       // set by the process itself right before execve
    // The seccomp filter, compiled to BPF by berth (plan_seccomp); the init only loads it.
    std::optional<os::SeccompProgram> seccomp;
    // The AppArmor profile or SELinux label the kernel gives the process at execve
    // (lsm_plan.hpp); written through StartGate::label_attr_fd.
    std::optional<os::ExecLabel> exec_label;

    // Fills argv/envp from args/env. Call once the plan sits where the child will read it.
    void finalize_pointers();
};

// Where a process object came from, for error messages: "config.json" with path ".process",
// or "process.json" with path "" (exec --process).
struct ProcessSource {
    std::string file = spec::config_file_name;
    std::string path = ".process";
};

// Throws Error "<file>: <path>.<field>: <problem>". `rootfd` is an O_PATH fd of the root the
// process will see (for HOME from its /etc/passwd when env has none), or -1 to skip that.
ProcessPlan build_process_plan(const spec::Process& p, const ProcessSource& src, int rootfd, int preserve_fds,
                               const Logger& log);

// linux.memoryPolicy (validated) as set_mempolicy arguments.
os::MemPolicy memory_policy(const spec::MemoryPolicy& m);

// --preserve-fds N (plus LISTEN_FDS): fds 3 .. 3+N-1 must be open; an Error names the first not.
void check_preserved_fds(int n);

// Home directory of uid from /etc/passwd text; "/" if none.
std::string home_from_passwd(const std::string& passwd_text, uid_t uid);

}  // namespace berth::runtime
