// The compactor: finds the syscall numbers the program's decisions change at, runs the program
// once per range between them and architecture, and emits a binary search over the ranges
// whose leaves return or jump into a copy of the original's argument checks.
#include "berth/linux/seccomp_compact.hpp"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <map>
#include <random>
#include <set>

#include "berth/linux/bpf_emulator.hpp"

namespace berth::os {

// A named namespace around the helpers: unity builds put several files in one translation unit.
namespace seccomp_compact {
namespace {

constexpr uint32_t nr_offset = 0;
constexpr uint32_t arch_offset = 4;
constexpr uint32_t data_words_end = 64;  // sizeof(struct seccomp_data)
constexpr size_t max_jump = 255;         // jt and jf are 8 bits

// What A or X holds on the way from the start to the first load of the arguments or the
// instruction pointer.
struct Value {
    enum class Kind { unreached, nr, arch, constant, unknown };
    Kind kind = Kind::unreached;
    uint32_t k = 0;
    bool operator==(const Value& o) const noexcept { return kind == o.kind && (kind != Kind::constant || k == o.k); }
};

Value join(const Value& a, const Value& b)
{
    if (a.kind == Value::Kind::unreached) return b;
    if (b.kind == Value::Kind::unreached || a == b) return a;
    return {Value::Kind::unknown, 0};
}

bool is_input(const Value& v) { return v.kind == Value::Kind::nr || v.kind == Value::Kind::arch; }

struct Regs {
    Value a, x;
};

// The values the program compares the architecture and the syscall number with.
struct Constants {
    std::set<uint32_t> arches;
    std::set<uint32_t> nr_boundaries;  // the first number of each range
};

// A pass over the program in order (jumps only go forward), joining what A and X hold where
// paths meet. nullopt for anything whose outcome on a range of numbers it cannot vouch for.
std::optional<Constants> find_constants(const std::vector<struct sock_filter>& prog)
{
    const size_t n = prog.size();
    std::vector<Regs> in(n);
    in[0] = {{Value::Kind::unknown, 0}, {Value::Kind::unknown, 0}};
    Constants c;
    c.nr_boundaries.insert(0);
    auto flow = [&](size_t to, const Regs& r) {
        if (to >= n) return false;
        in[to].a = join(in[to].a, r.a);
        in[to].x = join(in[to].x, r.x);
        return true;
    };
    for (size_t pc = 0; pc < n; ++pc) {
        Regs r = in[pc];
        if (r.a.kind == Value::Kind::unreached) continue;
        const struct sock_filter& ins = prog[pc];
        const uint32_t k = ins.k;
        switch (BPF_CLASS(ins.code)) {
        case BPF_LD:
            if (ins.code == (BPF_LD | BPF_W | BPF_ABS)) {
                if (k % 4 != 0 || k >= data_words_end) return std::nullopt;
                if (k >= 8) continue;  // where the arguments are read: the ranges end here
                r.a = {k == nr_offset ? Value::Kind::nr : Value::Kind::arch, 0};
            } else if (ins.code == (BPF_LD | BPF_W | BPF_LEN)) {
                r.a = {Value::Kind::constant, data_words_end};
            } else if (ins.code == (BPF_LD | BPF_IMM)) {
                r.a = {Value::Kind::constant, k};
            } else if (ins.code == (BPF_LD | BPF_MEM) && k < BPF_MEMWORDS) {
                r.a = {Value::Kind::unknown, 0};
            } else {
                return std::nullopt;
            }
            break;
        case BPF_LDX:
            if (ins.code == (BPF_LDX | BPF_W | BPF_LEN)) {
                r.x = {Value::Kind::constant, data_words_end};
            } else if (ins.code == (BPF_LDX | BPF_IMM)) {
                r.x = {Value::Kind::constant, k};
            } else if (ins.code == (BPF_LDX | BPF_MEM) && k < BPF_MEMWORDS) {
                r.x = {Value::Kind::unknown, 0};
            } else {
                return std::nullopt;
            }
            break;
        case BPF_ST:
        case BPF_STX:
            if ((ins.code != BPF_ST && ins.code != BPF_STX) || k >= BPF_MEMWORDS) return std::nullopt;
            break;
        case BPF_ALU:
            // Arithmetic on the number or the architecture would need ranges of its own.
            if (is_input(r.a)) return std::nullopt;
            r.a = {Value::Kind::unknown, 0};
            break;
        case BPF_JMP: {
            const uint16_t op = BPF_OP(ins.code);
            if (op == BPF_JA) {
                if (k >= n - pc - 1) return std::nullopt;
                flow(pc + 1 + k, r);
                continue;
            }
            if (op != BPF_JEQ && op != BPF_JGT && op != BPF_JGE && op != BPF_JSET) return std::nullopt;
            bool to_true = true, to_false = true;
            if (BPF_SRC(ins.code) == BPF_X || r.a.kind == Value::Kind::unknown) {
                return std::nullopt;  // a decision on something that is neither input nor constant
            } else if (r.a.kind == Value::Kind::nr) {
                if (op == BPF_JSET) return std::nullopt;
                c.nr_boundaries.insert(k);
                if (k != UINT32_MAX) c.nr_boundaries.insert(k + 1);
            } else if (r.a.kind == Value::Kind::arch) {
                if (op != BPF_JEQ) return std::nullopt;
                c.arches.insert(k);
            } else {
                bool taken = op == BPF_JEQ   ? r.a.k == k
                             : op == BPF_JGT ? r.a.k > k
                             : op == BPF_JGE ? r.a.k >= k
                                             : (r.a.k & k) != 0;
                to_true = taken;
                to_false = !taken;
            }
            if ((to_true && !flow(pc + 1 + ins.jt, r)) || (to_false && !flow(pc + 1 + ins.jf, r))) return std::nullopt;
            continue;
        }
        case BPF_RET:
            if (ins.code == (BPF_RET | BPF_A) && r.a.kind != Value::Kind::constant) return std::nullopt;
            if (ins.code != (BPF_RET | BPF_A) && ins.code != (BPF_RET | BPF_K)) return std::nullopt;
            continue;
        case BPF_MISC:
            if (ins.code == (BPF_MISC | BPF_TAX)) {
                r.x = r.a;
            } else if (ins.code == (BPF_MISC | BPF_TXA)) {
                r.a = r.x;
            } else {
                return std::nullopt;
            }
            break;
        default: return std::nullopt;
        }
        if (!flow(pc + 1, r)) return std::nullopt;
    }
    return c;
}

// What a range of numbers does on one architecture: return `value`, or go on at pc `value`
// of the original, a load of an argument, with X and memory as they were at the start.
struct Leaf {
    bool cont = false;
    uint32_t value = 0;
    bool operator==(const Leaf& o) const noexcept { return cont == o.cont && value == o.value; }
};

std::optional<Leaf> leaf_for(const std::vector<struct sock_filter>& prog, uint32_t arch, uint32_t nr)
{
    SeccompInput in;
    in.arch = arch;
    in.nr = nr;
    BpfOutcome o = run_seccomp_bpf(prog, in, BpfRunMode::stop_at_data_load);
    if (o.kind == BpfOutcome::Kind::ret) return Leaf{false, o.value};
    if (o.kind == BpfOutcome::Kind::data_load && !o.wrote_x_or_mem) return Leaf{true, static_cast<uint32_t>(o.pc)};
    return std::nullopt;
}

struct Range {
    uint32_t lo;
    Leaf leaf;
};

// The ranges of one architecture, neighbours with the same leaf merged.
std::optional<std::vector<Range>> ranges_for(const std::vector<struct sock_filter>& prog, uint32_t arch,
                                             const std::vector<uint32_t>& bounds)
{
    std::vector<Range> out;
    for (size_t i = 0; i < bounds.size(); ++i) {
        uint32_t hi = i + 1 < bounds.size() ? bounds[i + 1] - 1 : UINT32_MAX;
        auto leaf = leaf_for(prog, arch, bounds[i]);
        // The last number of the range must agree with the first (a check on the pass above).
        if (!leaf || !(leaf_for(prog, arch, hi) == leaf)) return std::nullopt;
        if (out.empty() || !(out.back().leaf == *leaf)) out.push_back({bounds[i], *leaf});
    }
    return out;
}

// The head of the new program (everything before the copied suffix), built from its end
// backwards: every jump's target is placed before the jump, so its distance is known. A label
// is an instruction's distance from the head's end, 1 for the last. Leaves are shared by the
// jumps within reach of one copy; a target out of reach gets a new copy of the leaf, or a `ja`.
class Head {
public:
    using Label = size_t;
    struct Target {
        Label label;
        std::optional<Leaf> leaf;
    };

    explicit Head(const std::vector<size_t>& suffix_index) : suffix_index_(suffix_index) {}

    Target leaf(const Leaf& l)
    {
        auto it = leaves_.find({l.cont, l.value});
        if (it != leaves_.end()) return {it->second, l};
        return {new_leaf(l), l};
    }

    Label stmt(uint16_t code, uint32_t k)
    {
        struct sock_filter f {};
        f.code = code;
        f.k = k;
        code_.push_back(f);
        return code_.size();
    }

    // A conditional jump to t when true, else to f.
    Label cond(uint16_t code, uint32_t k, const Target& t, const Target& f)
    {
        Label jt = t.label, jf = f.label;
        if (code_.size() - jt + 1 > max_jump) jt = relay(t);  // +1: room for f's relay
        if (code_.size() - jf > max_jump) jf = relay(f);
        struct sock_filter ins {};
        ins.code = code;
        ins.k = k;
        ins.jt = static_cast<uint8_t>(code_.size() - jt);
        ins.jf = static_cast<uint8_t>(code_.size() - jf);
        code_.push_back(ins);
        return code_.size();
    }

    // Makes t the first instruction of the program.
    void start_at(const Target& t)
    {
        if (t.label != code_.size()) relay(t);
    }

    std::vector<struct sock_filter> code() const { return {code_.rbegin(), code_.rend()}; }

private:
    Label new_leaf(const Leaf& l)
    {
        // The suffix follows the head: from label L its instruction i is i + L - 1 ahead.
        Label at = l.cont ? stmt(BPF_JMP | BPF_JA, static_cast<uint32_t>(suffix_index_[l.value] + code_.size()))
                          : stmt(BPF_RET | BPF_K, l.value);
        leaves_[{l.cont, l.value}] = at;
        return at;
    }

    Label relay(const Target& t)
    {
        if (t.leaf) return new_leaf(*t.leaf);
        return stmt(BPF_JMP | BPF_JA, static_cast<uint32_t>(code_.size() - t.label));
    }

    const std::vector<size_t>& suffix_index_;
    std::vector<struct sock_filter> code_;  // last instruction first
    std::map<std::pair<bool, uint32_t>, Label> leaves_;  // the nearest copy of each
};

// Ranges for the search: a single number between two ranges with the same leaf is a JEQ
// inside one segment instead of two more steps of the search (podman's profile: ~95 of them,
// calls denied with EPERM among allowed ones).
struct Segment {
    uint32_t lo;
    Leaf leaf;
    std::vector<std::pair<uint32_t, Leaf>> holes;
};

std::vector<Segment> segments(const std::vector<Range>& r)
{
    std::vector<Segment> out;
    for (size_t i = 0; i < r.size(); ++i) {
        const bool single = i + 1 < r.size() && r[i + 1].lo - 1 == r[i].lo;
        // out.back() ends with r[i - 1]: its leaf is the segment's.
        if (single && !out.empty() && r[i + 1].leaf == out.back().leaf) {
            out.back().holes.emplace_back(r[i].lo, r[i].leaf);
            ++i;  // r[i + 1] continues the segment
            continue;
        }
        out.push_back({r[i].lo, r[i].leaf, {}});
    }
    return out;
}

Head::Target segment(Head& h, const Segment& s)
{
    Head::Target t = h.leaf(s.leaf);
    for (auto it = s.holes.rbegin(); it != s.holes.rend(); ++it) {
        Head::Target hole = h.leaf(it->second);
        t = {h.cond(BPF_JMP | BPF_JEQ | BPF_K, it->first, hole, t), std::nullopt};
    }
    return t;
}

// A balanced binary search over [begin, end) with A = nr: "nr >= first of the right half".
Head::Target search(Head& h, const Segment* begin, const Segment* end)
{
    if (end - begin == 1) return segment(h, *begin);
    const Segment* mid = begin + (end - begin) / 2;
    Head::Target right = search(h, mid, end);
    Head::Target left = search(h, begin, mid);
    return {h.cond(BPF_JMP | BPF_JGE | BPF_K, mid->lo, right, left), std::nullopt};
}

Head::Target tree(Head& h, const std::vector<Range>& ranges)
{
    if (ranges.size() == 1) return h.leaf(ranges.front().leaf);
    const std::vector<Segment> segs = segments(ranges);
    search(h, segs.data(), segs.data() + segs.size());
    return {h.stmt(BPF_LD | BPF_W | BPF_ABS, nr_offset), std::nullopt};  // falls into the search's root
}

// "ld arch; jeq a1; jeq a2; ...", the last one's false branch to the tree of the architectures
// not named.
std::vector<struct sock_filter> head(const std::vector<uint32_t>& arches, const std::vector<std::vector<Range>>& ranges,
                                     const std::vector<size_t>& suffix_index)
{
    Head h(suffix_index);
    const size_t m = arches.size();
    std::vector<Head::Target> entries;
    for (size_t i = m; i-- > 0;) entries.insert(entries.begin(), tree(h, ranges[i]));
    Head::Target next = tree(h, ranges[m]);
    for (size_t i = m; i-- > 0;) next = {h.cond(BPF_JMP | BPF_JEQ | BPF_K, arches[i], entries[i], next), std::nullopt};
    if (m > 0)
        h.stmt(BPF_LD | BPF_W | BPF_ABS, arch_offset);
    else
        h.start_at(next);
    return h.code();
}

// The instructions reachable from the continuation points, in order, with their jumps
// renumbered: removing instructions only shortens forward jumps.
std::optional<std::vector<struct sock_filter>> copy_suffix(const std::vector<struct sock_filter>& prog,
                                                           const std::set<uint32_t>& starts, std::vector<size_t>& new_index)
{
    const size_t n = prog.size();
    std::vector<bool> keep(n, false);
    for (uint32_t s : starts) keep[s] = true;
    for (size_t pc = 0; pc < n; ++pc) {
        if (!keep[pc]) continue;
        const auto& ins = prog[pc];
        if (BPF_CLASS(ins.code) == BPF_RET) continue;
        if (BPF_CLASS(ins.code) == BPF_JMP) {
            if (BPF_OP(ins.code) == BPF_JA) {
                if (ins.k >= n - pc - 1) return std::nullopt;
                keep[pc + 1 + ins.k] = true;
            } else {
                if (pc + 1 + ins.jt >= n || pc + 1 + ins.jf >= n) return std::nullopt;
                keep[pc + 1 + ins.jt] = true;
                keep[pc + 1 + ins.jf] = true;
            }
        } else {
            if (pc + 1 >= n) return std::nullopt;
            keep[pc + 1] = true;
        }
    }
    new_index.assign(n, SIZE_MAX);
    size_t next = 0;
    for (size_t pc = 0; pc < n; ++pc)
        if (keep[pc]) new_index[pc] = next++;
    std::vector<struct sock_filter> out;
    for (size_t pc = 0; pc < n; ++pc) {
        if (!keep[pc]) continue;
        struct sock_filter f = prog[pc];
        if (BPF_CLASS(f.code) == BPF_JMP) {
            if (BPF_OP(f.code) == BPF_JA) {
                f.k = static_cast<uint32_t>(new_index[pc + 1 + f.k] - new_index[pc] - 1);
            } else {
                f.jt = static_cast<uint8_t>(new_index[pc + 1 + f.jt] - new_index[pc] - 1);
                f.jf = static_cast<uint8_t>(new_index[pc + 1 + f.jf] - new_index[pc] - 1);
            }
        }
        out.push_back(f);
    }
    return out;
}

// Argument vectors for the check: zeros, all ones, random words, and the constants of the
// copied argument checks in each half of each argument, alone and mixed.
std::vector<SeccompInput> argument_vectors(const std::vector<struct sock_filter>& suffix, bool with_constants)
{
    std::mt19937_64 rng(0x62657274682d7363ull);
    std::vector<SeccompInput> out;
    auto uniform = [&](uint64_t v) {
        SeccompInput in;
        in.instruction_pointer = v;
        in.args.fill(v);
        out.push_back(in);
    };
    uniform(0);
    uniform(UINT64_MAX);
    for (int i = 0; i < 2; ++i) {
        SeccompInput in;
        in.instruction_pointer = rng();
        for (auto& a : in.args) a = rng();
        out.push_back(in);
    }
    if (!with_constants) return out;
    std::set<uint32_t> ks;
    for (const auto& f : suffix)
        if ((BPF_CLASS(f.code) == BPF_JMP && BPF_OP(f.code) != BPF_JA) || BPF_CLASS(f.code) == BPF_ALU) ks.insert(f.k);
    std::vector<uint64_t> words;
    for (uint32_t k : ks) {
        for (uint32_t v : {k, k - 1, k + 1}) {
            words.push_back(v);
            words.push_back(uint64_t{v} << 32);
            words.push_back((uint64_t{v} << 32) | v);
        }
    }
    for (uint64_t w : words) uniform(w);
    if (words.empty()) return out;
    for (int i = 0; i < 64; ++i) {
        SeccompInput in;
        in.instruction_pointer = words[rng() % words.size()];
        for (auto& a : in.args) a = words[rng() % words.size()];
        out.push_back(in);
    }
    return out;
}

bool same_result(const std::vector<struct sock_filter>& a, const std::vector<struct sock_filter>& b,
                 const SeccompInput& in)
{
    BpfOutcome x = run_seccomp_bpf(a, in), y = run_seccomp_bpf(b, in);
    return x.kind == BpfOutcome::Kind::ret && y.kind == BpfOutcome::Kind::ret && x.value == y.value;
}

}  // namespace
}  // namespace seccomp_compact

std::optional<std::vector<struct sock_filter>> compact_seccomp(const std::vector<struct sock_filter>& prog)
{
    using namespace seccomp_compact;
    if (prog.empty() || prog.size() > BPF_MAXINSNS) return std::nullopt;
    auto constants = find_constants(prog);
    if (!constants) return std::nullopt;
    const std::vector<uint32_t> bounds(constants->nr_boundaries.begin(), constants->nr_boundaries.end());
    const std::vector<uint32_t> arches(constants->arches.begin(), constants->arches.end());
    // Architectures the program does not name all take the same path: it only tests equality.
    uint32_t unknown_arch = 0;
    while (constants->arches.count(unknown_arch)) ++unknown_arch;

    std::vector<std::vector<Range>> ranges;  // per arch, the unknown one last
    for (size_t i = 0; i <= arches.size(); ++i) {
        auto r = ranges_for(prog, i < arches.size() ? arches[i] : unknown_arch, bounds);
        if (!r) return std::nullopt;
        ranges.push_back(std::move(*r));
    }
    std::set<uint32_t> starts;
    for (const auto& r : ranges)
        for (const auto& range : r)
            if (range.leaf.cont) starts.insert(range.leaf.value);
    std::vector<size_t> new_index;
    auto suffix = copy_suffix(prog, starts, new_index);
    if (!suffix) return std::nullopt;
    std::vector<struct sock_filter> out = head(arches, ranges, new_index);
    out.insert(out.end(), suffix->begin(), suffix->end());
    if (out.size() >= prog.size() || out.size() > BPF_MAXINSNS || BPF_CLASS(out.back().code) != BPF_RET)
        return std::nullopt;

    // The proof: both programs on the first and last number of every range, for every
    // architecture and two it does not name, with the arguments varied where they are read.
    const auto basic = argument_vectors(*suffix, false);
    const auto full = argument_vectors(*suffix, true);
    std::vector<uint32_t> test_arches = arches;
    test_arches.push_back(unknown_arch);
    uint32_t other_unknown = unknown_arch + 1;
    while (constants->arches.count(other_unknown)) ++other_unknown;
    test_arches.push_back(other_unknown);
    for (size_t a = 0; a < test_arches.size(); ++a) {
        const auto& r = ranges[std::min(a, ranges.size() - 1)];
        for (size_t i = 0; i < r.size(); ++i) {
            const uint32_t hi = i + 1 < r.size() ? r[i + 1].lo - 1 : UINT32_MAX;
            for (uint32_t nr : {r[i].lo, hi}) {
                for (SeccompInput in : r[i].leaf.cont ? full : basic) {
                    in.arch = test_arches[a];
                    in.nr = nr;
                    if (!same_result(prog, out, in)) return std::nullopt;
                }
            }
        }
    }
    // Within merged ranges, each elementary boundary too (cheap: no arguments read there).
    for (size_t a = 0; a < test_arches.size(); ++a) {
        for (uint32_t nr : bounds) {
            SeccompInput in = basic.front();
            in.arch = test_arches[a];
            in.nr = nr;
            if (!same_result(prog, out, in)) return std::nullopt;
        }
    }
    return out;
}

}  // namespace berth::os
