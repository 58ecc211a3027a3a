#include "berth/runtime/process_plan.hpp"

#include <fcntl.h>

#include <string_view>

#include "berth/linux/capabilities.hpp"
#include "berth/linux/in_root.hpp"
#include "berth/spec/validate.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"

namespace berth::runtime {

namespace {

// Names were validated by the parser; a name libcap knows but the running kernel does not is
// skipped with a warning (a config written for a newer kernel still runs).
uint64_t cap_mask(const std::vector<std::string>& names, const std::string& where, const Logger& log)
{
    uint64_t mask = 0;
    unsigned known = os::capability_count();
    for (const auto& name : names) {
        auto v = os::capability_from_name(name);
        if (!v || static_cast<unsigned>(*v) >= known) {
            log.warn(where + ": capability " + name + " is not known to the running kernel; skipped");
            continue;
        }
        mask |= uint64_t{1} << *v;
    }
    return mask;
}

void plan_capabilities(const spec::Capabilities& k, const std::string& where, ProcessPlan& plan, const Logger& log)
{
    auto& caps = plan.caps;
    caps.present = true;
    caps.bounding = cap_mask(k.bounding, where + ".bounding", log);
    caps.effective = cap_mask(k.effective, where + ".effective", log);
    caps.permitted = cap_mask(k.permitted, where + ".permitted", log);
    caps.inheritable = cap_mask(k.inheritable, where + ".inheritable", log);
    caps.ambient = cap_mask(k.ambient, where + ".ambient", log);
    // The kernel only raises an ambient capability that is also permitted and inheritable.
    // Configs written by `runc spec` list ambient capabilities without inheritable ones;
    // runc ignores the refusal, berth drops them and records it in the log: a stock config
    // must not print it into the container's output on every run.
    uint64_t unraisable = caps.ambient & ~(caps.permitted & caps.inheritable);
    if (unraisable) {
        log.note(where + ".ambient: capabilities not also permitted and inheritable cannot be ambient; dropped");
        caps.ambient &= ~unraisable;
    }
}

cpu_set_t cpu_set(const std::string& list)
{
    std::vector<unsigned> ids;
    os::parse_id_list(list, CPU_SETSIZE, ids);  // validated
    cpu_set_t set;
    CPU_ZERO(&set);
    for (unsigned id : ids) CPU_SET(id, &set);
    return set;
}

void plan_attributes(const spec::Process& p, ProcessPlan& plan)
{
    if (p.scheduler) {
        const auto& s = *p.scheduler;
        os::SchedAttr a;
        a.policy = *os::sched_policy(s.policy);  // validated
        for (const auto& flag : s.flags) a.flags |= *os::sched_flag(flag);
        a.nice = s.nice;
        a.priority = static_cast<uint32_t>(s.priority);
        a.runtime = s.runtime;
        a.deadline = s.deadline;
        a.period = s.period;
        plan.scheduler = a;
    }
    if (p.io_priority) plan.ioprio = os::ioprio_value(*os::ioprio_class(p.io_priority->class_), p.io_priority->priority);
    if (p.exec_cpu_affinity) {
        if (!p.exec_cpu_affinity->initial.empty()) plan.cpus_initial = cpu_set(p.exec_cpu_affinity->initial);
        if (!p.exec_cpu_affinity->final.empty()) plan.cpus_final = cpu_set(p.exec_cpu_affinity->final);
    }
}

}  // namespace

os::MemPolicy memory_policy(const spec::MemoryPolicy& m)
{
    os::MemPolicy p;
    p.mode = *os::mempolicy_mode(m.mode);  // validated
    for (const auto& flag : m.flags) p.mode |= *os::mempolicy_flag(flag);
    std::vector<unsigned> nodes;
    if (!m.nodes.empty()) os::parse_id_list(m.nodes, os::max_numa_nodes, nodes);
    constexpr unsigned bits = 8 * sizeof(unsigned long);
    for (unsigned n : nodes) {
        if (p.mask.size() <= n / bits) p.mask.resize(n / bits + 1);
        p.mask[n / bits] |= 1ul << (n % bits);
    }
    // maxnode counts bits, and the kernel ignores the last one (a historic off-by-one).
    p.maxnode = p.mask.size() * bits + (p.mask.empty() ? 0 : 1);
    return p;
}

ProcessPlan build_process_plan(const spec::Process& p, const ProcessSource& src, int rootfd, int preserve_fds,
                               const Logger& log)
{
    ProcessPlan plan;
    plan.args = p.args;
    plan.env = p.env;
    plan.cwd = p.cwd.empty() ? "/" : p.cwd;
    plan.preserve_fds = preserve_fds;
    bool has_home = false;
    for (const auto& e : p.env) {
        if (e.starts_with("PATH=")) plan.path_env = e.substr(5);
        if (e.starts_with("HOME=")) has_home = true;
    }
    if (!has_home) {
        // Like runc: HOME from the container's /etc/passwd, read inside its root.
        std::string home = "/";
        Fd passwd(rootfd >= 0 ? os::open_in_root(rootfd, "/etc/passwd", O_RDONLY) : -1);
        if (passwd) home = home_from_passwd(read_fd(passwd.get()), p.user.uid);
        plan.env.push_back("HOME=" + home);
    }
    plan.identity.uid = p.user.uid;
    plan.identity.gid = p.user.gid;
    plan.identity.additional_gids.assign(p.user.additional_gids.begin(), p.user.additional_gids.end());
    plan.umask = p.user.umask;
    plan.no_new_privileges = p.no_new_privileges;
    std::string where = src.file + ": " + src.path;
    if (p.capabilities) plan_capabilities(*p.capabilities, where + ".capabilities", plan, log);
    plan_attributes(p, plan);
    if (p.terminal) {
        TerminalPlan t;
        if (p.console_size) {
            // The kernel's window size is 16-bit; runc truncates, berth saturates.
            auto clamp = [](uint32_t v) { return static_cast<uint16_t>(v > 0xffff ? 0xffff : v); };
            t.rows = clamp(p.console_size->height);
            t.cols = clamp(p.console_size->width);
        }
        plan.terminal = t;
    }
    for (const auto& r : p.rlimits) {
        os::RlimitSetting s;
        s.resource = *spec::rlimit_from_name(r.type);  // validated
        s.name = r.type;
        s.limit.rlim_cur = r.soft;
        s.limit.rlim_max = r.hard;
        plan.rlimits.push_back(std::move(s));
    }
    return plan;
}

void ProcessPlan::finalize_pointers()
{
    argv.clear();
    envp.clear();
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
}

std::string home_from_passwd(const std::string& text, uid_t uid)
{
    std::string_view all(text);
    std::string want = std::to_string(uid);
    while (!all.empty()) {
        auto nl = all.find('\n');
        std::string_view line = all.substr(0, nl);
        all = nl == std::string_view::npos ? std::string_view{} : all.substr(nl + 1);
        // name:password:uid:gid:gecos:home:shell
        std::string_view f[7];
        size_t n = 0;
        while (n < 7) {
            auto colon = line.find(':');
            f[n++] = line.substr(0, colon);
            if (colon == std::string_view::npos) break;
            line = line.substr(colon + 1);
        }
        if (n < 6 || f[2] != want) continue;
        return f[5].empty() ? "/" : std::string(f[5]);
    }
    return "/";
}

void check_preserved_fds(int n)
{
    for (int fd = 3; fd < 3 + n; ++fd)
        if (::fcntl(fd, F_GETFD) < 0) throw Error("--preserve-fds " + std::to_string(n) + ": fd " + std::to_string(fd) + " is not open");
}

}  // namespace berth::runtime
