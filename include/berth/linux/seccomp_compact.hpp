// A smaller program for the same filter. libseccomp compares the syscall number with each
// syscall of a rule (podman's profile: ~1400 instructions for x86_64 + x86 + x32), and the
// kernel's load costs grow with the size (checks, JIT, the action-cache simulation). The allowed
// numbers fall into a few ranges, so a binary search over ranges does the same job in a
// fraction of the instructions; the argument checks are copied from libseccomp's program.
#pragma once
#include <linux/filter.h>

#include <optional>
#include <vector>

namespace berth::os {

// An equivalent program with a binary search over ranges of syscall numbers per architecture,
// or nullopt when the compactor cannot prove it equivalent (anything it does not reason about:
// arithmetic or JSET on the syscall number, registers or memory written before the arguments
// are read, ...) or it would not be smaller. Equivalence is checked by running both programs
// (bpf_emulator.hpp) on every range boundary of every architecture with several argument
// vectors.
std::optional<std::vector<struct sock_filter>> compact_seccomp(const std::vector<struct sock_filter>& prog);

}  // namespace berth::os
