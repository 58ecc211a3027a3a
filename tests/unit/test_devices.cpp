// Device access rules: the v1 lines and the v2 eBPF program, which a small interpreter of the
// instructions it uses runs against device accesses (the kernel's BPF_PROG_TEST_RUN does not
// support cgroup device programs).
#include <catch2/catch.hpp>
#include <cstdint>
#include <stdexcept>

#include "berth/cgroups/devices.hpp"

using namespace berth::cgroups;

namespace {

// Runs `prog` on one access; returns r0 (1: allow, 0: deny).
uint64_t run(const std::vector<bpf_insn>& prog, uint32_t type, uint32_t access, uint32_t major, uint32_t minor)
{
    uint32_t ctx[3] = {(access << 16) | type, major, minor};
    uint64_t r[11] = {};
    for (size_t pc = 0; pc < prog.size(); ++pc) {
        const bpf_insn& i = prog[pc];
        uint64_t& dst = r[i.dst_reg];
        uint64_t src = (BPF_SRC(i.code) == BPF_X) ? r[i.src_reg] : static_cast<uint64_t>(static_cast<int64_t>(i.imm));
        switch (BPF_CLASS(i.code)) {
        case BPF_LDX:
            REQUIRE(i.src_reg == BPF_REG_1);
            REQUIRE(i.off % 4 == 0);
            dst = ctx[i.off / 4];
            break;
        case BPF_ALU64:
            switch (BPF_OP(i.code)) {
            case BPF_MOV: dst = src; break;
            case BPF_AND: dst &= src; break;
            case BPF_RSH: dst >>= src; break;
            default: throw std::logic_error("unexpected ALU op");
            }
            break;
        case BPF_JMP:
            if (BPF_OP(i.code) == BPF_EXIT) return r[0];
            if ((BPF_OP(i.code) == BPF_JNE && dst != src) || (BPF_OP(i.code) == BPF_JEQ && dst == src))
                pc += static_cast<size_t>(i.off);
            break;
        default: throw std::logic_error("unexpected instruction class");
        }
    }
    throw std::logic_error("program ran off its end");
}

constexpr uint32_t C = BPF_DEVCG_DEV_CHAR, B = BPF_DEVCG_DEV_BLOCK;
constexpr uint32_t R = BPF_DEVCG_ACC_READ, W = BPF_DEVCG_ACC_WRITE, M = BPF_DEVCG_ACC_MKNOD;

std::vector<DeviceRule> engine_default()
{
    std::vector<DeviceRule> rules{{'a', -1, -1, "rwm", false}};
    for (auto& r : default_device_rules()) rules.push_back(r);
    return rules;
}

}  // namespace

TEST_CASE("devices: v1 lines", "[devices]")
{
    CHECK(v1_device_line({'a', -1, -1, "rwm", false}) == "a *:* rwm");
    CHECK(v1_device_line({'c', 1, 3, "rwm", true}) == "c 1:3 rwm");
    CHECK(v1_device_line({'c', 136, -1, "rw", true}) == "c 136:* rw");
}

TEST_CASE("devices: deny all plus the defaults", "[devices]")
{
    auto p = device_program(engine_default());
    CHECK(run(p, C, R | W, 1, 3) == 1);    // /dev/null
    CHECK(run(p, C, R, 1, 9) == 1);        // urandom
    CHECK(run(p, C, R | W, 136, 7) == 1);  // a pty
    CHECK(run(p, B, M, 8, 0) == 1);        // mknod is allowed ...
    CHECK(run(p, B, R, 8, 0) == 0);        // ... using a host disk is not (the red-team attack)
    CHECK(run(p, B, W, 8, 0) == 0);
    CHECK(run(p, C, R, 10, 229) == 0);     // /dev/fuse was not allowed
    CHECK(run(p, C, R | M, 10, 229) == 0); // part allowed (m), part not (r): denied
}

TEST_CASE("devices: the last matching rule decides", "[devices]")
{
    std::vector<DeviceRule> rules = engine_default();
    rules.push_back({'c', 1, 3, "w", false});  // then: no writes to /dev/null
    auto p = device_program(rules);
    CHECK(run(p, C, R, 1, 3) == 1);
    CHECK(run(p, C, W, 1, 3) == 0);
    CHECK(run(p, C, R | W, 1, 3) == 0);  // one denied bit denies the access
    CHECK(run(p, C, R | W, 1, 5) == 1);  // other devices untouched

    rules.push_back({'c', 1, -1, "rw", true});  // later still: all of major 1 readable and writable
    p = device_program(rules);
    CHECK(run(p, C, W, 1, 3) == 1);
    CHECK(run(p, C, R | W, 1, 42) == 1);
    CHECK(run(p, B, R, 1, 3) == 0);  // type matters
}

TEST_CASE("devices: no rule matches: denied", "[devices]")
{
    auto p = device_program({});
    CHECK(run(p, C, R, 1, 3) == 0);
    p = device_program({{'a', -1, -1, "rwm", true}});
    CHECK(run(p, B, R | W | M, 8, 0) == 1);
}
