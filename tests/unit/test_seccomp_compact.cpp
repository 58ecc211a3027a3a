// The BPF interpreter and the compact seccomp program: libseccomp's program and the compact one
// give the same result for every syscall number near the ranges in use, on every architecture,
// with many argument vectors; the compactor gives up on what it cannot prove; the kernel loads
// the compact program.
#include <linux/audit.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>

#include <seccomp.h>

#include "berth/linux/bpf_emulator.hpp"
#include "berth/linux/seccomp.hpp"
#include "berth/linux/seccomp_compact.hpp"
#include "berth/runtime/seccomp_plan.hpp"
#include "berth/spec/parse.hpp"

using namespace berth;
using nlohmann::json;

// Named: unity builds share a translation unit with test_seccomp.cpp's helpers.
namespace compact_test {

using Program = std::vector<struct sock_filter>;

constexpr uint32_t x32_bit = 0x40000000;

struct sock_filter insn(uint16_t code, uint32_t k, uint8_t jt = 0, uint8_t jf = 0)
{
    struct sock_filter f {};
    f.code = code;
    f.jt = jt;
    f.jf = jf;
    f.k = k;
    return f;
}

Program compile(const json& seccomp)
{
    Logger log;
    return os::compile_seccomp(spec::parse_seccomp(seccomp.dump()), "config.json: .linux.seccomp", log);
}

// containers-common's profile for this host as podman passes it (what
// tests/integration/podman-seccomp.jq does), for a process with the capabilities `caps`.
std::optional<json> podman_profile(const std::set<std::string>& caps)
{
    std::ifstream in("/usr/share/containers/seccomp.json");
    if (!in) return std::nullopt;
    json src = json::parse(in);
    json out = {{"defaultAction", src["defaultAction"]}, {"architectures", json::array()}, {"syscalls", json::array()}};
    if (src.contains("defaultErrnoRet")) out["defaultErrnoRet"] = src["defaultErrnoRet"];
    for (const auto& m : src["archMap"]) {
        if (m["architecture"] != "SCMP_ARCH_X86_64") continue;
        out["architectures"].push_back(m["architecture"]);
        for (const auto& sub : m["subArchitectures"]) out["architectures"].push_back(sub);
    }
    auto list = [](const json& r, const char* side, const char* what) {
        std::set<std::string> s;
        if (r.contains(side) && r[side].contains(what))
            for (const auto& v : r[side][what]) s.insert(v.get<std::string>());
        return s;
    };
    for (const auto& r : src["syscalls"]) {
        auto inc_arches = list(r, "includes", "arches"), exc_arches = list(r, "excludes", "arches");
        if (!inc_arches.empty() && !inc_arches.count("amd64")) continue;
        if (exc_arches.count("amd64")) continue;
        bool ok = true;
        for (const auto& c : list(r, "includes", "caps")) ok = ok && caps.count(c);
        for (const auto& c : list(r, "excludes", "caps")) ok = ok && !caps.count(c);
        if (!ok || (r.contains("includes") && r["includes"].contains("minKernel"))) continue;
        json rule = {{"names", r["names"]}, {"action", r["action"]}};
        if (r.contains("errnoRet")) rule["errnoRet"] = r["errnoRet"];
        if (r.contains("args") && !r["args"].is_null() && !r["args"].empty()) rule["args"] = r["args"];
        out["syscalls"].push_back(rule);
    }
    return out;
}

// Argument vectors: zeros, ones, random, and each constant of the profile's rules (in the
// low and the high half, and its neighbours) in every argument, and mixes of them.
std::vector<os::SeccompInput> vectors(const json& seccomp)
{
    std::set<uint64_t> ks = {0, 1, UINT64_MAX};
    for (const auto& r : seccomp["syscalls"])
        if (r.contains("args"))
            for (const auto& a : r["args"]) {
                for (const char* field : {"value", "valueTwo"}) {
                    if (!a.contains(field)) continue;
                    uint64_t v = a[field].get<uint64_t>();
                    for (uint64_t w : {v, v - 1, v + 1, v << 32, v | (v << 32)}) ks.insert(w);
                }
            }
    std::vector<uint64_t> words(ks.begin(), ks.end());
    std::vector<os::SeccompInput> out;
    for (uint64_t w : words) {
        os::SeccompInput in;
        in.instruction_pointer = w;
        in.args.fill(w);
        out.push_back(in);
    }
    std::mt19937_64 rng(42);
    for (int i = 0; i < 24; ++i) {
        os::SeccompInput in;
        for (auto& a : in.args) a = i % 2 ? rng() : words[rng() % words.size()];
        out.push_back(in);
    }
    return out;
}

// The two programs agree on nr 0..1023 and x32's 0x40000000..0x400003ff for every arch.
void check_equivalent(const Program& old_prog, const Program& new_prog, const std::vector<os::SeccompInput>& args)
{
    size_t differences = 0, runs = 0;
    for (uint32_t arch : std::initializer_list<uint32_t>{AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, AUDIT_ARCH_AARCH64, 0}) {
        for (uint32_t base : {0u, x32_bit}) {
            for (uint32_t nr = base; nr < base + 1024; ++nr) {
                for (os::SeccompInput in : args) {
                    in.arch = arch;
                    in.nr = nr;
                    auto a = os::run_seccomp_bpf(old_prog, in), b = os::run_seccomp_bpf(new_prog, in);
                    ++runs;
                    if (a.kind != os::BpfOutcome::Kind::ret || b.kind != a.kind || b.value != a.value) {
                        if (++differences < 5) FAIL_CHECK("arch " << arch << " nr " << nr << ": " << a.value << " vs " << b.value);
                    }
                }
            }
        }
    }
    CHECK(differences == 0);
    CHECK(runs > 0);
}

// Loads the program in a forked child (with no_new_privs) and calls getpgid(0, arg1) there:
// (the other arguments 0): 0 when allowed, else its errno; 200 when the kernel refused the program, 1000 + a signal.
int kernel_getpgid(const Program& p, uint64_t arg1 = 0)
{
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
        ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        struct sock_fprog fp {};
        fp.len = static_cast<unsigned short>(p.size());
        fp.filter = const_cast<struct sock_filter*>(p.data());
        if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp) != 0) ::_exit(200);
        long r = ::syscall(SYS_getpgid, 0, arg1, 0, 0, 0, 0);  // all six: the rules read them
        ::_exit(r < 0 ? errno : 0);
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    if (WIFSIGNALED(status)) return 1000 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

json args_rule(const char* action, json args, std::optional<int> errno_ret = std::nullopt)
{
    json r = {{"names", {"getpgid", "setpgid", "fchown"}}, {"action", action}, {"args", std::move(args)}};
    if (errno_ret) r["errnoRet"] = *errno_ret;
    return r;
}

// The names of the native architecture's syscalls numbered [from, to): a block of calls, as
// profiles allow or deny them, for the compactor to have something to compact.
json syscall_block(int from, int to)
{
    json names = json::array();
    for (int nr = from; nr < to; ++nr) {
        char* name = ::seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
        if (name) names.push_back(name);
        std::free(name);
    }
    return names;
}

json cmp(int index, const char* op, uint64_t value, uint64_t value_two = 0)
{
    return {{"index", index}, {"op", op}, {"value", value}, {"valueTwo", value_two}};
}

}  // namespace compact_test

using namespace compact_test;

TEST_CASE("bpf emulator: every instruction class", "[seccomp]")
{
    os::SeccompInput in;
    in.nr = 39;
    in.arch = AUDIT_ARCH_X86_64;
    in.args[1] = 0x1122334455667788ull;
    auto run = [&](Program p) { return os::run_seccomp_bpf(p, in); };
    // args[1]'s halves, in the host's (little-endian) order.
    CHECK(run({insn(BPF_LD | BPF_W | BPF_ABS, 24), insn(BPF_RET | BPF_A, 0)}).value == 0x55667788u);
    CHECK(run({insn(BPF_LD | BPF_W | BPF_ABS, 28), insn(BPF_RET | BPF_A, 0)}).value == 0x11223344u);
    CHECK(run({insn(BPF_LD | BPF_W | BPF_LEN, 0), insn(BPF_RET | BPF_A, 0)}).value == 64);
    // ALU with K and X, TAX/TXA, scratch memory.
    CHECK(run({insn(BPF_LD | BPF_W | BPF_ABS, 0), insn(BPF_ALU | BPF_MUL | BPF_K, 3), insn(BPF_ALU | BPF_SUB | BPF_K, 7),
               insn(BPF_ALU | BPF_LSH | BPF_K, 2), insn(BPF_ALU | BPF_XOR | BPF_K, 1), insn(BPF_RET | BPF_A, 0)})
              .value == ((39u * 3 - 7) << 2 ^ 1));
    CHECK(run({insn(BPF_LDX | BPF_IMM, 5), insn(BPF_LD | BPF_IMM, 17), insn(BPF_ALU | BPF_DIV | BPF_X, 0),
               insn(BPF_ALU | BPF_SUB | BPF_K, 1),
               insn(BPF_ST, 3), insn(BPF_LD | BPF_IMM, 0), insn(BPF_LDX | BPF_MEM, 3), insn(BPF_MISC | BPF_TXA, 0),
               insn(BPF_ALU | BPF_NEG, 0), insn(BPF_RET | BPF_A, 0)})
              .value == 0u - 2u);
    // seccomp refuses BPF_MOD.
    CHECK(run({insn(BPF_LD | BPF_IMM, 1), insn(BPF_ALU | BPF_MOD | BPF_K, 3), insn(BPF_RET | BPF_A, 0)}).kind ==
          os::BpfOutcome::Kind::invalid);
    // Division by X == 0 ends the program with 0, as the kernel does; by K == 0 is refused.
    CHECK(run({insn(BPF_LD | BPF_IMM, 1), insn(BPF_ALU | BPF_DIV | BPF_X, 0), insn(BPF_RET | BPF_K, 9)}).value == 0);
    CHECK(run({insn(BPF_LD | BPF_IMM, 1), insn(BPF_ALU | BPF_DIV | BPF_K, 0), insn(BPF_RET | BPF_K, 9)}).kind ==
          os::BpfOutcome::Kind::invalid);
    // Jumps: JSET, JGT/JGE with X, JA.
    Program jumps = {insn(BPF_LD | BPF_W | BPF_ABS, 0), insn(BPF_JMP | BPF_JSET | BPF_K, 0x20, 0, 3),
                     insn(BPF_LDX | BPF_IMM, 39), insn(BPF_JMP | BPF_JGE | BPF_X, 0, 0, 1), insn(BPF_JMP | BPF_JA, 1),
                     insn(BPF_RET | BPF_K, 1), insn(BPF_JMP | BPF_JGT | BPF_X, 0, 1, 0), insn(BPF_RET | BPF_K, 2),
                     insn(BPF_RET | BPF_K, 3)};
    CHECK(run(jumps).value == 2);
    in.nr = 40;
    CHECK(run(jumps).value == 3);
    in.nr = 1;
    CHECK(run(jumps).value == 1);
    // Out of range, misaligned, falling off the end.
    CHECK(run({insn(BPF_JMP | BPF_JA, 1), insn(BPF_RET | BPF_K, 0)}).kind == os::BpfOutcome::Kind::invalid);
    CHECK(run({insn(BPF_LD | BPF_W | BPF_ABS, 2), insn(BPF_RET | BPF_K, 0)}).kind == os::BpfOutcome::Kind::invalid);
    CHECK(run({insn(BPF_LD | BPF_W | BPF_ABS, 64), insn(BPF_RET | BPF_K, 0)}).kind == os::BpfOutcome::Kind::invalid);
    CHECK(run({insn(BPF_LD | BPF_IMM, 0)}).kind == os::BpfOutcome::Kind::invalid);
    // Stopping where the arguments are read.
    auto stop = os::run_seccomp_bpf({insn(BPF_LD | BPF_W | BPF_ABS, 0), insn(BPF_LD | BPF_W | BPF_ABS, 16), insn(BPF_RET | BPF_A, 0)},
                                    in, os::BpfRunMode::stop_at_data_load);
    CHECK(stop.kind == os::BpfOutcome::Kind::data_load);
    CHECK(stop.pc == 1);
    CHECK_FALSE(stop.wrote_x_or_mem);
}

TEST_CASE("seccomp compaction: podman's default profile", "[seccomp]")
{
    for (const auto& caps : std::vector<std::set<std::string>>{{}, {"CAP_SYS_ADMIN", "CAP_SYS_PTRACE", "CAP_SYS_BOOT",
                                                                    "CAP_SYS_MODULE", "CAP_SYSLOG", "CAP_SYS_TIME",
                                                                    "CAP_SYS_NICE", "CAP_SYS_PACCT", "CAP_SYS_RAWIO",
                                                                    "CAP_SYS_TTY_CONFIG", "CAP_BPF", "CAP_PERFMON"}}) {
        auto profile = podman_profile(caps);
        if (!profile) {
            WARN("no /usr/share/containers/seccomp.json; skipped");
            return;
        }
        Program old_prog = compile(*profile);
        auto compact = os::compact_seccomp(old_prog);
        REQUIRE(compact);
        INFO(old_prog.size() << " -> " << compact->size() << " instructions");
        CHECK(compact->size() * 3 < old_prog.size());
        check_equivalent(old_prog, *compact, vectors(*profile));
        // The kernel takes it; getpgid is allowed.
        CHECK(kernel_getpgid(*compact) == 0);
    }
}

TEST_CASE("seccomp compaction: the plan loads the compact program and says so", "[seccomp]")
{
    auto profile = podman_profile({});
    if (!profile) {
        WARN("no /usr/share/containers/seccomp.json; skipped");
        return;
    }
    std::FILE* out = std::tmpfile();
    REQUIRE(out);
    Logger dbg(::fileno(out));
    dbg.open("", LogFormat::text, true);
    auto planned = runtime::seccomp_filter(profile->dump(), "", dbg);
    Program old_prog = compile(*profile);
    auto compact = os::compact_seccomp(old_prog);
    REQUIRE(compact);
    REQUIRE(planned.bpf.size() == compact->size());
    CHECK(std::memcmp(planned.bpf.data(), compact->data(), compact->size() * sizeof(struct sock_filter)) == 0);
    char buf[2048] = {};
    REQUIRE(::pread(::fileno(out), buf, sizeof buf - 1, 0) > 0);
    std::fclose(out);
    CHECK_THAT(std::string(buf), Catch::Contains("seccomp: compiled " + std::to_string(old_prog.size()) + " instructions, " +
                                                 std::to_string(compact->size()) + " after compaction"));
}

TEST_CASE("seccomp compaction: hand-made profiles", "[seccomp]")
{
    std::vector<json> profiles;
    // Every operator, MASKED_EQ, several rules on one argument, actions with errnos.
    profiles.push_back({{"defaultAction", "SCMP_ACT_ALLOW"},
                        {"architectures", {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}},
                        {"syscalls",
                         {args_rule("SCMP_ACT_ERRNO", {cmp(1, "SCMP_CMP_EQ", 5)}, 11),
                          args_rule("SCMP_ACT_ERRNO", {cmp(1, "SCMP_CMP_NE", 6), cmp(2, "SCMP_CMP_LT", 7)}, 12),
                          args_rule("SCMP_ACT_ERRNO", {cmp(1, "SCMP_CMP_LE", 8), cmp(3, "SCMP_CMP_GE", 0x100000000ull)}, 13),
                          args_rule("SCMP_ACT_ERRNO", {cmp(2, "SCMP_CMP_GT", 0xffffffff0ull)}, 14),
                          args_rule("SCMP_ACT_ERRNO", {cmp(4, "SCMP_CMP_MASKED_EQ", 0xf0f0, 0x3030)}, 15),
                          args_rule("SCMP_ACT_TRACE", {cmp(5, "SCMP_CMP_EQ", 9), cmp(5, "SCMP_CMP_EQ", 10)}, 16),
                          {{"names", {"mkdir", "rmdir", "unlink", "chdir"}}, {"action", "SCMP_ACT_KILL"}},
                          {{"names", {"uname"}}, {"action", "SCMP_ACT_LOG"}},
                          {{"names", {"reboot", "swapon"}}, {"action", "SCMP_ACT_KILL_PROCESS"}},
                          {{"names", {"acct"}}, {"action", "SCMP_ACT_TRAP"}},
                          {{"names", syscall_block(200, 260)}, {"action", "SCMP_ACT_ERRNO"}, {"errnoRet", 1}}}}});
    // Deny by default with defaultErrnoRet, a list of allowed calls, one with an argument rule.
    json allow_names = json::array();
    for (const char* n : {"read", "write", "close", "exit", "exit_group", "brk", "mmap", "munmap", "openat", "fstat",
                          "newfstatat", "getpid", "getppid", "rt_sigaction", "rt_sigreturn", "clone", "execve", "wait4",
                          "futex", "set_tid_address", "getpgid", "epoll_wait", "epoll_pwait", "sendto", "recvfrom"})
        allow_names.push_back(n);
    profiles.push_back({{"defaultAction", "SCMP_ACT_ERRNO"},
                        {"defaultErrnoRet", 38},
                        {"architectures", {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86"}},
                        {"syscalls",
                         {{{"names", allow_names}, {"action", "SCMP_ACT_ALLOW"}},
                          {{"names", syscall_block(285, 335)}, {"action", "SCMP_ACT_ALLOW"}},
                          {{"names", {"personality"}},
                           {"action", "SCMP_ACT_ALLOW"},
                           {"args", {cmp(0, "SCMP_CMP_EQ", 0xffffffff)}}},
                          {{"names", {"socket"}}, {"action", "SCMP_ACT_ERRNO"}, {"errnoRet", 97},
                           {"args", {cmp(0, "SCMP_CMP_EQ", 16), cmp(2, "SCMP_CMP_EQ", 9)}}},
                          {{"names", {"socketpair"}}, {"action", "SCMP_ACT_ALLOW"}, {"args", {cmp(0, "SCMP_CMP_NE", 16)}}}}}});
    // No architectures: the native one only.
    profiles.push_back({{"defaultAction", "SCMP_ACT_KILL_PROCESS"},
                        {"syscalls", {{{"names", syscall_block(0, 60)}, {"action", "SCMP_ACT_ALLOW"}}}}});
    for (size_t i = 0; i < profiles.size(); ++i) {
        INFO("profile " << i);
        Program old_prog = compile(profiles[i]);
        auto compact = os::compact_seccomp(old_prog);
        REQUIRE(compact);
        INFO(old_prog.size() << " -> " << compact->size() << " instructions");
        CHECK(compact->size() < old_prog.size());
        check_equivalent(old_prog, *compact, vectors(profiles[i]));
    }
    // The kernel gives the same results with both programs of the first profile.
    Program old_prog = compile(profiles[0]);
    auto compact = os::compact_seccomp(old_prog);
    REQUIRE(compact);
    for (uint64_t a1 : std::initializer_list<uint64_t>{0, 5, 6, 7}) {
        INFO("getpgid(0, " << a1 << ")");
        int expect = kernel_getpgid(old_prog, a1);
        CHECK(expect != 200);
        CHECK(kernel_getpgid(*compact, a1) == expect);
    }
    CHECK(kernel_getpgid(*compact, 6) == 0);
    CHECK(kernel_getpgid(*compact, 7) == 12);
}

TEST_CASE("seccomp compaction: long jumps go through ja", "[seccomp]")
{
    // Two architectures with 600 ranges each (two numbers wide, not single numbers, which
    // would be JEQs): trees far over 255 instructions.
    Program p;
    p.push_back(insn(BPF_LD | BPF_W | BPF_ABS, 4));
    p.push_back(insn(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 1));
    size_t ja1 = p.size();
    p.push_back(insn(BPF_JMP | BPF_JA, 0));
    p.push_back(insn(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_I386, 0, 1));
    size_t ja2 = p.size();
    p.push_back(insn(BPF_JMP | BPF_JA, 0));
    p.push_back(insn(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
    for (uint32_t step : {4u, 5u}) {
        p[step == 4 ? ja1 : ja2].k = static_cast<uint32_t>(p.size() - (step == 4 ? ja1 : ja2) - 1);
        p.push_back(insn(BPF_LD | BPF_W | BPF_ABS, 0));
        for (uint32_t i = 0; i < 300; ++i) {
            p.push_back(insn(BPF_JMP | BPF_JEQ | BPF_K, i * step, 1, 0));
            p.push_back(insn(BPF_JMP | BPF_JEQ | BPF_K, i * step + 1, 0, 1));
            p.push_back(insn(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (1 + i % 2)));
        }
        p.push_back(insn(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
    }
    auto compact = os::compact_seccomp(p);
    REQUIRE(compact);
    CHECK(compact->size() < p.size());
    // No argument is read: every `ja` is a relay.
    CHECK(std::count_if(compact->begin(), compact->end(), [](const auto& f) { return f.code == (BPF_JMP | BPF_JA); }) > 1);
    check_equivalent(p, *compact, {os::SeccompInput{}});
}

TEST_CASE("seccomp compaction: gives up on what it cannot prove", "[seccomp]")
{
    auto ld = [](uint32_t off) { return insn(BPF_LD | BPF_W | BPF_ABS, off); };
    auto ret = [](uint32_t k) { return insn(BPF_RET | BPF_K, k); };
    // JSET on the number.
    CHECK_FALSE(os::compact_seccomp({ld(0), insn(BPF_JMP | BPF_JSET | BPF_K, 1, 0, 1), ret(0), ret(SECCOMP_RET_ALLOW)}));
    // Arithmetic on the number.
    CHECK_FALSE(os::compact_seccomp({ld(0), insn(BPF_ALU | BPF_AND | BPF_K, 0xff), insn(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1),
                                     ret(0), ret(SECCOMP_RET_ALLOW)}));
    // The number compared with X.
    CHECK_FALSE(os::compact_seccomp({insn(BPF_LDX | BPF_IMM, 3), ld(0), insn(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 1), ret(0),
                                     ret(SECCOMP_RET_ALLOW)}));
    // The architecture compared other than for equality.
    CHECK_FALSE(os::compact_seccomp({ld(4), insn(BPF_JMP | BPF_JGT | BPF_K, 1, 0, 1), ret(0), ret(SECCOMP_RET_ALLOW)}));
    // X written before the arguments are read: the copied checks could depend on it.
    Program x_first = {insn(BPF_LDX | BPF_IMM, 7), ld(0), insn(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 2), ld(16),
                       insn(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 1), ret(0), ret(SECCOMP_RET_ALLOW)};
    for (int i = 0; i < 20; ++i) x_first.insert(x_first.begin(), insn(BPF_JMP | BPF_JA, 0));
    CHECK_FALSE(os::compact_seccomp(x_first));
    // Not smaller.
    CHECK_FALSE(os::compact_seccomp({ld(0), insn(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1), ret(0), ret(SECCOMP_RET_ALLOW)}));
    // A jump out of the program.
    CHECK_FALSE(os::compact_seccomp({ld(0), insn(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 9), ret(0), ret(SECCOMP_RET_ALLOW)}));
}
