// A classic-BPF interpreter for seccomp programs: what the kernel computes for one system call,
// for the compactor (seccomp_compact.hpp) to prove its programs equivalent, and for tests.
#pragma once
#include <linux/filter.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace berth::os {

// The kernel's struct seccomp_data.
struct SeccompInput {
    uint32_t nr = 0;
    uint32_t arch = 0;
    uint64_t instruction_pointer = 0;
    std::array<uint64_t, 6> args{};
};

// How a run ended.
struct BpfOutcome {
    enum class Kind {
        ret,        // a RET: value is the filter's result
        data_load,  // stopped at pc, a load of seccomp_data at offset >= 8 (BpfRunMode::stop_at_data_load)
        invalid,    // something the kernel refuses at load, or behaviour this interpreter does not model
    };
    Kind kind = Kind::invalid;
    uint32_t value = 0;
    size_t pc = 0;
    // Whether X or scratch memory was written before the end (for data_load: before pc).
    bool wrote_x_or_mem = false;

    bool operator==(const BpfOutcome& o) const noexcept
    {
        return kind == o.kind && value == o.value && pc == o.pc && wrote_x_or_mem == o.wrote_x_or_mem;
    }
};

enum class BpfRunMode { run, stop_at_data_load };

// Runs prog on in. Every instruction seccomp accepts is modelled (the kernel's
// seccomp_check_filter list: no BPF_MOD, no packet loads); an out-of-range jump or load, a fall
// off the end, an instruction seccomp refuses, or a shift by X >= 32 gives `invalid`.
// A division by X == 0 returns 0, as in the kernel.
BpfOutcome run_seccomp_bpf(const std::vector<struct sock_filter>& prog, const SeccompInput& in,
                           BpfRunMode mode = BpfRunMode::run);

}  // namespace berth::os
