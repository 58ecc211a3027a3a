#include "berth/cgroups/devices.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "berth/util/error.hpp"
#include "berth/util/fd.hpp"

namespace berth::cgroups {

namespace {

uint32_t access_bits(const std::string& access)
{
    uint32_t bits = 0;
    for (char c : access) {
        if (c == 'm') bits |= BPF_DEVCG_ACC_MKNOD;
        if (c == 'r') bits |= BPF_DEVCG_ACC_READ;
        if (c == 'w') bits |= BPF_DEVCG_ACC_WRITE;
    }
    return bits;
}

// Instruction builders (the kernel's filter.h macros are not uapi).
bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
    bpf_insn i{};
    i.code = code;
    i.dst_reg = dst & 0xf;
    i.src_reg = src & 0xf;
    i.off = off;
    i.imm = imm;
    return i;
}
bpf_insn load_u32(uint8_t dst, int16_t off) { return insn(BPF_LDX | BPF_W | BPF_MEM, dst, BPF_REG_1, off, 0); }
bpf_insn mov_reg(uint8_t dst, uint8_t src) { return insn(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0); }
bpf_insn mov_imm(uint8_t dst, int32_t imm) { return insn(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm); }
bpf_insn and_imm(uint8_t dst, int32_t imm) { return insn(BPF_ALU64 | BPF_AND | BPF_K, dst, 0, 0, imm); }
bpf_insn rsh_imm(uint8_t dst, int32_t imm) { return insn(BPF_ALU64 | BPF_RSH | BPF_K, dst, 0, 0, imm); }
bpf_insn jne_imm(uint8_t dst, int32_t imm, int16_t off) { return insn(BPF_JMP | BPF_JNE | BPF_K, dst, 0, off, imm); }
bpf_insn jeq_imm(uint8_t dst, int32_t imm, int16_t off) { return insn(BPF_JMP | BPF_JEQ | BPF_K, dst, 0, off, imm); }
bpf_insn exit_insn() { return insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0); }

// Registers: r2 = device type, r3 = requested access, r4 = major, r5 = minor, r6 scratch.
std::vector<bpf_insn> rule_block(const DeviceRule& r)
{
    // Each test jumps to the end of the block when the rule does not match; offsets are
    // patched once the block's length is known.
    std::vector<bpf_insn> b;
    std::vector<size_t> skips;
    if (r.type != 'a') {
        skips.push_back(b.size());
        b.push_back(jne_imm(BPF_REG_2, r.type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR, 0));
    }
    uint32_t acc = access_bits(r.access);
    b.push_back(mov_reg(BPF_REG_6, BPF_REG_3));
    if (r.allow) {
        // An allow rule covers the access only if every requested bit is allowed.
        b.push_back(and_imm(BPF_REG_6, static_cast<int32_t>(~acc & 0x7u)));
        skips.push_back(b.size());
        b.push_back(jne_imm(BPF_REG_6, 0, 0));
    } else {
        // A deny rule applies as soon as one requested bit is denied.
        b.push_back(and_imm(BPF_REG_6, static_cast<int32_t>(acc)));
        skips.push_back(b.size());
        b.push_back(jeq_imm(BPF_REG_6, 0, 0));
    }
    if (r.major >= 0) {
        skips.push_back(b.size());
        b.push_back(jne_imm(BPF_REG_4, static_cast<int32_t>(r.major), 0));
    }
    if (r.minor >= 0) {
        skips.push_back(b.size());
        b.push_back(jne_imm(BPF_REG_5, static_cast<int32_t>(r.minor), 0));
    }
    b.push_back(mov_imm(BPF_REG_0, r.allow ? 1 : 0));
    b.push_back(exit_insn());
    for (size_t i : skips) b[i].off = static_cast<int16_t>(b.size() - i - 1);
    return b;
}

long bpf(int cmd, union bpf_attr& attr) { return ::syscall(SYS_bpf, cmd, &attr, sizeof attr); }

}  // namespace

std::vector<DeviceRule> default_device_rules()
{
    auto allow = [](char t, int64_t maj, int64_t min, const char* acc) { return DeviceRule{t, maj, min, acc, true}; };
    return {
        allow('c', -1, -1, "m"), allow('b', -1, -1, "m"),  // mknod; using the node is another matter
        allow('c', 1, 3, "rwm"),                           // null
        allow('c', 1, 5, "rwm"),                           // zero
        allow('c', 1, 7, "rwm"),                           // full
        allow('c', 1, 8, "rwm"),                           // random
        allow('c', 1, 9, "rwm"),                           // urandom
        allow('c', 5, 0, "rwm"),                           // tty
        allow('c', 5, 1, "rwm"),                           // console
        allow('c', 5, 2, "rwm"),                           // ptmx
        allow('c', 136, -1, "rwm"),                        // pts
    };
}

std::string v1_device_line(const DeviceRule& r)
{
    auto num = [](int64_t n) { return n < 0 ? std::string("*") : std::to_string(n); };
    return std::string(1, r.type) + " " + num(r.major) + ":" + num(r.minor) + " " + r.access;
}

std::vector<bpf_insn> device_program(const std::vector<DeviceRule>& rules)
{
    std::vector<bpf_insn> p = {
        // struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; }
        load_u32(BPF_REG_2, 0),
        mov_reg(BPF_REG_3, BPF_REG_2),
        and_imm(BPF_REG_2, 0xffff),  // type
        rsh_imm(BPF_REG_3, 16),      // access
        load_u32(BPF_REG_4, 4),
        load_u32(BPF_REG_5, 8),
    };
    // The last matching rule decides: test them from the end.
    for (auto it = rules.rbegin(); it != rules.rend(); ++it) {
        auto b = rule_block(*it);
        p.insert(p.end(), b.begin(), b.end());
    }
    p.push_back(mov_imm(BPF_REG_0, 0));
    p.push_back(exit_insn());
    return p;
}

void attach_device_program(int cgroup_dirfd, const std::vector<bpf_insn>& program)
{
    static const char license[] = "Apache-2.0";
    union bpf_attr load {};
    load.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    load.insns = reinterpret_cast<uint64_t>(program.data());
    load.insn_cnt = static_cast<uint32_t>(program.size());
    load.license = reinterpret_cast<uint64_t>(license);
    Fd prog(static_cast<int>(bpf(BPF_PROG_LOAD, load)));
    if (!prog) throw_errno("load the device access program (BPF_PROG_LOAD)");
    union bpf_attr attach {};
    attach.target_fd = static_cast<uint32_t>(cgroup_dirfd);
    attach.attach_bpf_fd = static_cast<uint32_t>(prog.get());
    attach.attach_type = BPF_CGROUP_DEVICE;
    attach.attach_flags = BPF_F_ALLOW_MULTI;
    if (bpf(BPF_PROG_ATTACH, attach) < 0) throw_errno("attach the device access program to the cgroup");
}

}  // namespace berth::cgroups
