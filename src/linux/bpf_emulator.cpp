// Classic BPF as seccomp runs it: 32-bit A and X, 16 words of scratch memory, loads only from
// struct seccomp_data, forward jumps only.
#include "berth/linux/bpf_emulator.hpp"

#include <bit>

namespace berth::os {

// A named namespace around the helpers: unity builds put several files in one translation unit.
namespace bpf_emulator {
namespace {

constexpr uint32_t data_size = 64;  // sizeof(struct seccomp_data)

// The 32-bit word at offset k of seccomp_data, as the kernel reads it: the halves of a 64-bit
// field in the host's byte order.
std::optional<uint32_t> load_word(const SeccompInput& in, uint32_t k)
{
    if (k % 4 != 0 || k >= data_size) return std::nullopt;
    if (k == 0) return in.nr;
    if (k == 4) return in.arch;
    uint64_t field = k < 16 ? in.instruction_pointer : in.args[(k - 16) / 8];
    bool low_first = std::endian::native == std::endian::little;
    bool high = (k % 8 == 4) == low_first;
    return static_cast<uint32_t>(high ? field >> 32 : field);
}

std::optional<uint32_t> alu(uint16_t op, uint32_t a, uint32_t operand, bool by_x, bool* div_zero)
{
    switch (op) {
    case BPF_ADD: return a + operand;
    case BPF_SUB: return a - operand;
    case BPF_MUL: return a * operand;
    case BPF_DIV:
        if (operand == 0) {
            if (!by_x) return std::nullopt;  // refused at load
            *div_zero = true;
            return 0;
        }
        return a / operand;
    case BPF_OR: return a | operand;
    case BPF_AND: return a & operand;
    case BPF_XOR: return a ^ operand;
    case BPF_LSH:
    case BPF_RSH:
        if (operand >= 32) return std::nullopt;
        return op == BPF_LSH ? a << operand : a >> operand;
    case BPF_NEG: return 0u - a;
    default: return std::nullopt;  // BPF_MOD among them: seccomp refuses it
    }
}

}  // namespace
}  // namespace bpf_emulator

BpfOutcome run_seccomp_bpf(const std::vector<struct sock_filter>& prog, const SeccompInput& in, BpfRunMode mode)
{
    using namespace bpf_emulator;
    BpfOutcome out;
    uint32_t a = 0, x = 0;
    uint32_t mem[BPF_MEMWORDS] = {};
    size_t pc = 0;
    auto invalid = [&] {
        out.kind = BpfOutcome::Kind::invalid;
        out.pc = pc;
        return out;
    };
    while (pc < prog.size()) {
        const struct sock_filter& ins = prog[pc];
        uint32_t k = ins.k;
        size_t next = pc + 1;
        switch (BPF_CLASS(ins.code)) {
        case BPF_LD:
            if (ins.code == (BPF_LD | BPF_W | BPF_ABS)) {
                if (k >= 8 && mode == BpfRunMode::stop_at_data_load) {
                    out.kind = BpfOutcome::Kind::data_load;
                    out.pc = pc;
                    return out;
                }
                auto w = load_word(in, k);
                if (!w) return invalid();
                a = *w;
            } else if (ins.code == (BPF_LD | BPF_W | BPF_LEN)) {
                a = data_size;
            } else if (ins.code == (BPF_LD | BPF_IMM)) {
                a = k;
            } else if (ins.code == (BPF_LD | BPF_MEM)) {
                if (k >= BPF_MEMWORDS) return invalid();
                a = mem[k];
            } else {
                return invalid();
            }
            break;
        case BPF_LDX:
            if (ins.code == (BPF_LDX | BPF_W | BPF_LEN)) {
                x = data_size;
            } else if (ins.code == (BPF_LDX | BPF_IMM)) {
                x = k;
            } else if (ins.code == (BPF_LDX | BPF_MEM)) {
                if (k >= BPF_MEMWORDS) return invalid();
                x = mem[k];
            } else {
                return invalid();
            }
            out.wrote_x_or_mem = true;
            break;
        case BPF_ST:
        case BPF_STX:
            if (ins.code != BPF_ST && ins.code != BPF_STX) return invalid();
            if (k >= BPF_MEMWORDS) return invalid();
            mem[k] = ins.code == BPF_ST ? a : x;
            out.wrote_x_or_mem = true;
            break;
        case BPF_ALU: {
            bool by_x = BPF_SRC(ins.code) == BPF_X;
            if (BPF_OP(ins.code) == BPF_NEG && by_x) return invalid();
            bool div_zero = false;
            auto r = alu(BPF_OP(ins.code), a, by_x ? x : k, by_x, &div_zero);
            if (!r) return invalid();
            if (div_zero) {
                out.kind = BpfOutcome::Kind::ret;
                out.value = 0;
                out.pc = pc;
                return out;
            }
            a = *r;
            break;
        }
        case BPF_JMP: {
            uint16_t op = BPF_OP(ins.code);
            if (op == BPF_JA) {
                if (k >= prog.size() - pc - 1) return invalid();
                next = pc + 1 + k;
                break;
            }
            uint32_t operand = BPF_SRC(ins.code) == BPF_X ? x : k;
            bool taken;
            switch (op) {
            case BPF_JEQ: taken = a == operand; break;
            case BPF_JGT: taken = a > operand; break;
            case BPF_JGE: taken = a >= operand; break;
            case BPF_JSET: taken = (a & operand) != 0; break;
            default: return invalid();
            }
            next = pc + 1 + (taken ? ins.jt : ins.jf);
            if (pc + 1 + ins.jt >= prog.size() || pc + 1 + ins.jf >= prog.size()) return invalid();
            break;
        }
        case BPF_RET:
            if (ins.code == (BPF_RET | BPF_K)) {
                out.value = k;
            } else if (ins.code == (BPF_RET | BPF_A)) {
                out.value = a;
            } else {
                return invalid();
            }
            out.kind = BpfOutcome::Kind::ret;
            out.pc = pc;
            return out;
        case BPF_MISC:
            if (ins.code == (BPF_MISC | BPF_TAX)) {
                x = a;
                out.wrote_x_or_mem = true;
            } else if (ins.code == (BPF_MISC | BPF_TXA)) {
                a = x;
            } else {
                return invalid();
            }
            break;
        default: return invalid();
        }
        pc = next;
    }
    return invalid();
}

}  // namespace berth::os
