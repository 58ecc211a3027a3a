// seccomp: runtime-spec's names (actions, operators, architectures, flags), the compilation of a
// linux.seccomp profile to a BPF program (libseccomp, in berth before clone), and the one
// system call the container init makes to load it. The init never runs libseccomp.
#pragma once
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "berth/spec/config.hpp"
#include "berth/util/failure.hpp"
#include "berth/util/log.hpp"

namespace berth::os {

enum class SeccompAction { allow, errno_ret, kill, kill_thread, kill_process, trap, trace, log, notify };
enum class SeccompOp { ne, lt, le, eq, ge, gt, masked_eq };

// The names runtime-spec uses, each once; validation, compilation and `berth features` read these.
inline constexpr std::pair<std::string_view, SeccompAction> seccomp_action_names[] = {
    {"SCMP_ACT_ALLOW", SeccompAction::allow},           {"SCMP_ACT_ERRNO", SeccompAction::errno_ret},
    {"SCMP_ACT_KILL", SeccompAction::kill},             {"SCMP_ACT_KILL_PROCESS", SeccompAction::kill_process},
    {"SCMP_ACT_KILL_THREAD", SeccompAction::kill_thread}, {"SCMP_ACT_LOG", SeccompAction::log},
    {"SCMP_ACT_NOTIFY", SeccompAction::notify},         {"SCMP_ACT_TRACE", SeccompAction::trace},
    {"SCMP_ACT_TRAP", SeccompAction::trap},
};

inline constexpr std::pair<std::string_view, SeccompOp> seccomp_operator_names[] = {
    {"SCMP_CMP_EQ", SeccompOp::eq}, {"SCMP_CMP_GE", SeccompOp::ge}, {"SCMP_CMP_GT", SeccompOp::gt},
    {"SCMP_CMP_LE", SeccompOp::le}, {"SCMP_CMP_LT", SeccompOp::lt}, {"SCMP_CMP_MASKED_EQ", SeccompOp::masked_eq},
    {"SCMP_CMP_NE", SeccompOp::ne},
};

// runtime-spec's architecture names and libseccomp's. Whether this libseccomp build knows one
// is asked at run time (seccomp_supported_archs).
inline constexpr std::pair<std::string_view, std::string_view> seccomp_arch_names[] = {
    {"SCMP_ARCH_AARCH64", "aarch64"},     {"SCMP_ARCH_ARM", "arm"},
    {"SCMP_ARCH_LOONGARCH64", "loongarch64"}, {"SCMP_ARCH_M68K", "m68k"},
    {"SCMP_ARCH_MIPS", "mips"},           {"SCMP_ARCH_MIPS64", "mips64"},
    {"SCMP_ARCH_MIPS64N32", "mips64n32"}, {"SCMP_ARCH_MIPSEL", "mipsel"},
    {"SCMP_ARCH_MIPSEL64", "mipsel64"},   {"SCMP_ARCH_MIPSEL64N32", "mipsel64n32"},
    {"SCMP_ARCH_PARISC", "parisc"},       {"SCMP_ARCH_PARISC64", "parisc64"},
    {"SCMP_ARCH_PPC", "ppc"},             {"SCMP_ARCH_PPC64", "ppc64"},
    {"SCMP_ARCH_PPC64LE", "ppc64le"},     {"SCMP_ARCH_RISCV64", "riscv64"},
    {"SCMP_ARCH_S390", "s390"},           {"SCMP_ARCH_S390X", "s390x"},
    {"SCMP_ARCH_SH", "sh"},               {"SCMP_ARCH_SHEB", "sheb"},
    {"SCMP_ARCH_X32", "x32"},             {"SCMP_ARCH_X86", "x86"},
    {"SCMP_ARCH_X86_64", "x86_64"},
};

// The flags of linux.seccomp.flags: seccomp(2)'s own, passed at load.
inline constexpr std::pair<std::string_view, unsigned> seccomp_flag_names[] = {
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
};

std::optional<SeccompAction> seccomp_action_from_name(std::string_view name);
std::optional<SeccompOp> seccomp_operator_from_name(std::string_view name);
std::optional<std::string_view> seccomp_arch_from_name(std::string_view name);  // libseccomp's name
std::optional<unsigned> seccomp_flag_from_name(std::string_view name);

// Whether the running kernel accepts a seccomp(2) filter flag (one probing system call).
bool seccomp_flag_supported(unsigned flag) noexcept;
// runtime-spec names of the architectures this libseccomp can build filters for.
std::vector<std::string_view> seccomp_supported_archs();
// "2.5.4"
std::string seccomp_library_version();
// libseccomp's name of the architecture berth runs on ("x86_64").
std::string seccomp_native_arch();

// Whether any rule of the profile notifies a listener.
bool seccomp_uses_notify(const spec::Seccomp& s);

// Compiles the profile to BPF. Names were validated by the parser; a syscall name libseccomp
// does not know on this architecture is skipped (as runc does; logged at debug level).
// Throws Error "<where>.<field>: <problem>" for what libseccomp or the kernel refuses;
// `where` is "config.json: .linux.seccomp".
std::vector<struct sock_filter> compile_seccomp(const spec::Seccomp& s, const std::string& where, const Logger& log);

// seccomp(2)'s flags for this profile: its flags, checked against the running kernel, plus
// NEW_LISTENER when a rule notifies. Throws Error naming an unsupported flag.
unsigned seccomp_load_flags(const spec::Seccomp& s, const std::string& where, const Logger& log);

// A compiled filter, ready to load.
struct SeccompProgram {
    std::vector<struct sock_filter> bpf;
    unsigned flags = 0;  // for seccomp(2): SECCOMP_FILTER_FLAG_*
    // Loaded before the uid change and the capabilities: without no_new_privs the kernel wants
    // CAP_SYS_ADMIN for it, and the process will not keep that (as runc).
    bool before_identity = false;
    bool listener() const noexcept { return flags & SECCOMP_FILTER_FLAG_NEW_LISTENER; }
};

// The container init's side: loads the filter. With a listener, *notify_fd receives its fd
// (close-on-exec), else -1. No allocation, no exceptions.
bool load_seccomp(const SeccompProgram& p, int* notify_fd, Failure& f) noexcept;

}  // namespace berth::os
