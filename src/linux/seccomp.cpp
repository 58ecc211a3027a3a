// linux.seccomp -> BPF with libseccomp (in berth, before clone), and the load in the init.
#include "berth/linux/seccomp.hpp"

#include <seccomp.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

#include "berth/util/error.hpp"
#include "berth/util/fd.hpp"
#include "berth/util/json_reader.hpp"

namespace berth::os {

namespace {

template <class Table>
auto lookup(const Table& table, std::string_view name) -> std::optional<decltype(std::begin(table)->second)>
{
    for (const auto& [n, v] : table)
        if (n == name) return v;
    return std::nullopt;
}

struct ReleaseCtx {
    void operator()(void* ctx) const noexcept { ::seccomp_release(ctx); }
};
using Ctx = std::unique_ptr<void, ReleaseCtx>;

// runc's defaults: SCMP_ACT_ERRNO and SCMP_ACT_TRACE without errnoRet return EPERM.
uint32_t action_value(SeccompAction a, std::optional<uint32_t> ret)
{
    uint32_t r = ret.value_or(EPERM);
    switch (a) {
    case SeccompAction::allow: return SCMP_ACT_ALLOW;
    case SeccompAction::errno_ret: return SCMP_ACT_ERRNO(r);
    case SeccompAction::kill:
    case SeccompAction::kill_thread: return SCMP_ACT_KILL_THREAD;
    case SeccompAction::kill_process: return SCMP_ACT_KILL_PROCESS;
    case SeccompAction::trap: return SCMP_ACT_TRAP;
    case SeccompAction::trace: return SCMP_ACT_TRACE(r);
    case SeccompAction::log: return SCMP_ACT_LOG;
    case SeccompAction::notify: return SCMP_ACT_NOTIFY;
    }
    return SCMP_ACT_KILL_PROCESS;
}

scmp_compare op_value(SeccompOp op)
{
    switch (op) {
    case SeccompOp::ne: return SCMP_CMP_NE;
    case SeccompOp::lt: return SCMP_CMP_LT;
    case SeccompOp::le: return SCMP_CMP_LE;
    case SeccompOp::eq: return SCMP_CMP_EQ;
    case SeccompOp::ge: return SCMP_CMP_GE;
    case SeccompOp::gt: return SCMP_CMP_GT;
    case SeccompOp::masked_eq: return SCMP_CMP_MASKED_EQ;
    }
    return SCMP_CMP_EQ;
}

// The parser validated every name; a name missing here is a bug, not bad input.
template <class T>
T validated(std::optional<T> v, const std::string& path)
{
    if (!v) throw Error(path + ": not validated");
    return *v;
}

void add_architectures(scmp_filter_ctx ctx, const spec::Seccomp& s, const std::string& where)
{
    for (size_t i = 0; i < s.architectures.size(); ++i) {
        std::string path = json_element_path(where + ".architectures", i);
        std::string name(validated(seccomp_arch_from_name(s.architectures[i]), path));
        uint32_t token = ::seccomp_arch_resolve_name(name.c_str());
        if (token == 0)
            throw Error(path + ": architecture " + s.architectures[i] + " is not supported by libseccomp " +
                        seccomp_library_version());
        int rc = ::seccomp_arch_add(ctx, token);
        if (rc < 0 && rc != -EEXIST) throw Error(path + ": add architecture " + s.architectures[i] + ": " + errno_text(-rc));
    }
}

void add_rule(scmp_filter_ctx ctx, const spec::SeccompSyscall& call, uint32_t action, const std::string& path,
              const Logger& log)
{
    std::vector<struct scmp_arg_cmp> conds;
    unsigned per_index[6] = {};
    bool repeated = false;
    for (size_t j = 0; j < call.args.size(); ++j) {
        const auto& a = call.args[j];
        SeccompOp op = validated(seccomp_operator_from_name(a.op), json_element_path(path + ".args", j));
        // MASKED_EQ: value is the mask, valueTwo what the masked argument must equal.
        conds.push_back({a.index, op_value(op), a.value, a.value_two});
        if (++per_index[a.index] > 1) repeated = true;  // index < 6: validated
    }
    for (size_t k = 0; k < call.names.size(); ++k) {
        const std::string& name = call.names[k];
        int nr = ::seccomp_syscall_resolve_name(name.c_str());
        if (nr == __NR_SCMP_ERROR) {
            log.debug_lazy([&] {
                return json_element_path(path + ".names", k) + ": syscall \"" + name + "\" is unknown to libseccomp " +
                       seccomp_library_version() + " on " + seccomp_native_arch() + "; skipped";
            });
            continue;
        }
        auto add = [&](unsigned n, const struct scmp_arg_cmp* c) {
            int rc = ::seccomp_rule_add_array(ctx, action, nr, n, c);
            if (rc < 0) throw Error(path + ": add rule for syscall \"" + name + "\": " + errno_text(-rc));
        };
        // libseccomp takes one comparison per argument in a rule. Several on the same argument
        // become one rule each, any of which matches (runc's reading, which profiles rely on).
        if (!repeated) {
            add(static_cast<unsigned>(conds.size()), conds.data());
        } else {
            for (const auto& c : conds) add(1, &c);
        }
    }
}

std::vector<struct sock_filter> export_bpf(scmp_filter_ctx ctx, const std::string& where)
{
    Fd mem(::memfd_create("berth-seccomp", MFD_CLOEXEC));
    if (!mem) throw_errno("seccomp: memfd_create");
    int rc = ::seccomp_export_bpf(ctx, mem.get());
    if (rc < 0) throw Error(where + ": export the filter: " + errno_text(-rc));
    off_t size = ::lseek(mem.get(), 0, SEEK_END);
    if (size < 0) throw_errno("seccomp: lseek");
    auto bytes = static_cast<size_t>(size);
    if (bytes == 0 || bytes % sizeof(struct sock_filter) != 0) throw Error(where + ": libseccomp exported a malformed filter");
    if (bytes / sizeof(struct sock_filter) > BPF_MAXINSNS)
        throw Error(where + ": the filter has " + std::to_string(bytes / sizeof(struct sock_filter)) +
                    " instructions; the kernel takes at most " + std::to_string(BPF_MAXINSNS));
    std::vector<struct sock_filter> prog(bytes / sizeof(struct sock_filter));
    size_t done = 0;
    while (done < bytes) {
        ssize_t n = ::pread(mem.get(), reinterpret_cast<char*>(prog.data()) + done, bytes - done, static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw_errno("seccomp: read the exported filter");
        done += static_cast<size_t>(n);
    }
    return prog;
}

}  // namespace

std::optional<SeccompAction> seccomp_action_from_name(std::string_view name) { return lookup(seccomp_action_names, name); }
std::optional<SeccompOp> seccomp_operator_from_name(std::string_view name) { return lookup(seccomp_operator_names, name); }
std::optional<std::string_view> seccomp_arch_from_name(std::string_view name) { return lookup(seccomp_arch_names, name); }
std::optional<unsigned> seccomp_flag_from_name(std::string_view name) { return lookup(seccomp_flag_names, name); }

bool seccomp_flag_supported(unsigned flag) noexcept
{
    // The kernel checks the flags before it reads the program: a known flag with no program
    // fails with EFAULT, an unknown one with EINVAL. WAIT_KILLABLE_RECV is only valid with a
    // listener, TSYNC with a listener only with TSYNC_ESRCH.
    unsigned probe = flag;
    if (flag & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) probe |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
    long r = ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, probe, nullptr);
    return r < 0 && errno == EFAULT;
}

std::vector<std::string_view> seccomp_supported_archs()
{
    std::vector<std::string_view> out;
    for (const auto& [spec_name, lib_name] : seccomp_arch_names)
        if (::seccomp_arch_resolve_name(std::string(lib_name).c_str()) != 0) out.push_back(spec_name);
    return out;
}

std::string seccomp_library_version()
{
    const struct scmp_version* v = ::seccomp_version();
    if (!v) return "unknown";
    return std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->micro);
}

std::string seccomp_native_arch()
{
    uint32_t native = ::seccomp_arch_native();
    for (const auto& entry : seccomp_arch_names) {
        std::string lib_name(entry.second);
        if (::seccomp_arch_resolve_name(lib_name.c_str()) == native) return lib_name;
    }
    return "unknown";
}

bool seccomp_uses_notify(const spec::Seccomp& s)
{
    for (const auto& call : s.syscalls)
        if (seccomp_action_from_name(call.action) == SeccompAction::notify) return true;
    return false;
}

std::vector<struct sock_filter> compile_seccomp(const spec::Seccomp& s, const std::string& where, const Logger& log)
{
    uint32_t def = action_value(validated(seccomp_action_from_name(s.default_action), where + ".defaultAction"),
                                s.default_errno_ret);
    Ctx ctx(::seccomp_init(def));
    if (!ctx) throw Error(where + ".defaultAction: libseccomp refused " + s.default_action);
    // A binary tree of syscall numbers instead of libseccomp's default linear list: every call
    // of the container searches instead of walking the list, and so does the kernel when it
    // simulates the filter for each syscall number at load (its action cache). podman's profile
    // loads in 0.97 ms as a tree (1408 instructions) against 1.40 ms as a list (1125), median
    // of 15 under strace here.
    if (int rc = ::seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_OPTIMIZE, 2); rc < 0)
        throw Error(where + ": libseccomp: binary tree optimization: " + errno_text(-rc));
    add_architectures(ctx.get(), s, where);
    for (size_t i = 0; i < s.syscalls.size(); ++i) {
        const auto& call = s.syscalls[i];
        std::string path = json_element_path(where + ".syscalls", i);
        uint32_t action = action_value(validated(seccomp_action_from_name(call.action), path + ".action"), call.errno_ret);
        // libseccomp refuses a rule that does what the default does; it changes nothing.
        if (action == def) continue;
        add_rule(ctx.get(), call, action, path, log);
    }
    return export_bpf(ctx.get(), where);
}

unsigned seccomp_load_flags(const spec::Seccomp& s, const std::string& where, const Logger& log)
{
    bool listener = seccomp_uses_notify(s);
    unsigned flags = listener ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0;
    for (size_t i = 0; i < s.flags.size(); ++i) {
        std::string path = json_element_path(where + ".flags", i);
        unsigned flag = validated(seccomp_flag_from_name(s.flags[i]), path);
        if (flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV && !listener) {
            log.debug(path + ": " + s.flags[i] + " only applies to a listener and no rule uses SCMP_ACT_NOTIFY; ignored");
            continue;
        }
        if (!seccomp_flag_supported(flag)) throw Error(path + ": " + s.flags[i] + " is not supported by the running kernel");
        flags |= flag;
    }
    // With a listener, TSYNC must say how a failed thread sync is reported.
    if ((flags & SECCOMP_FILTER_FLAG_TSYNC) && listener) flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
    return flags;
}

bool load_seccomp(const SeccompProgram& p, int* notify_fd, Failure& f) noexcept
{
    *notify_fd = -1;
    struct sock_fprog prog {};
    prog.len = static_cast<unsigned short>(p.bpf.size());  // at most BPF_MAXINSNS: compile_seccomp checked
    prog.filter = const_cast<struct sock_filter*>(p.bpf.data());
    long r = ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, p.flags, &prog);
    if (r < 0) return f.set(errno, "load seccomp filter");
    if (p.listener()) {
        *notify_fd = static_cast<int>(r);
    } else if (r > 0) {
        // TSYNC without TSYNC_ESRCH: the id of a thread that could not be synchronised.
        return f.set(EBUSY, "load seccomp filter: thread %ld could not be synchronised", r);
    }
    return true;
}

}  // namespace berth::os
