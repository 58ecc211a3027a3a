#include "berth/runtime/seccomp_plan.hpp"

#include <fcntl.h>
#include <linux/capability.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>

#include "berth/linux/seccomp_compact.hpp"
#include "berth/util/error.hpp"
#include "berth/util/fd.hpp"
#include "berth/util/file.hpp"
#include "berth/util/json_reader.hpp"
#include "berth_config.h"

namespace berth::runtime {

namespace {

constexpr char magic[16] = {'b', 'e', 'r', 't', 'h', '-', 's', 'e', 'c', 'c', 'o', 'm', 'p', '\n', '\0', '\1'};
constexpr size_t max_entries = 64;

// The header of a cache file; the key's bytes and then the program follow.
struct Header {
    char magic[16];
    uint64_t key_size;
    uint64_t insns;
    uint64_t checksum;  // of the key and the program
};

// FNV-1a: names files and catches damage; not a defence against forgery (see the header).
uint64_t fnv1a(const void* data, size_t n, uint64_t h = 0xcbf29ce484222325ull)
{
    const auto* p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < n; ++i) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

uint64_t checksum(const std::string& key, const void* bpf, size_t bytes)
{
    return fnv1a(bpf, bytes, fnv1a(key.data(), key.size()));
}

std::string entry_name(const std::string& key)
{
    char name[32];
    std::snprintf(name, sizeof name, "%016llx", static_cast<unsigned long long>(fnv1a(key.data(), key.size())));
    return name;
}

void add_string(std::string& out, std::string_view s)
{
    out += std::to_string(s.size());
    out += ':';
    out += s;
}

void add_errno(std::string& out, std::optional<uint32_t> e)
{
    out += e ? std::to_string(*e) : std::string("-");
}

bool keeps_sys_admin(const ProcessPlan& p)
{
    if (p.caps.present) return p.caps.effective & (uint64_t{1} << CAP_SYS_ADMIN);
    return p.identity.uid == 0;
}

// After loading a filter with a listener the init hands its fd to berth with sendmsg(2);
// notifying that call would leave the init waiting on a listener only it holds.
void check_notify_rules(const spec::Seccomp& s, const std::string& where)
{
    for (size_t i = 0; i < s.syscalls.size(); ++i) {
        if (os::seccomp_action_from_name(s.syscalls[i].action) != os::SeccompAction::notify) continue;
        const auto& names = s.syscalls[i].names;
        for (size_t k = 0; k < names.size(); ++k)
            if (names[k] == "sendmsg")
                throw Error(json_element_path(json_element_path(where + ".syscalls", i) + ".names", k) +
                            ": SCMP_ACT_NOTIFY cannot be used for sendmsg: berth's init passes the listener's fd with it");
    }
}

}  // namespace

std::string seccomp_cache_key(const spec::Seccomp& s)
{
    std::string k = "berth-seccomp-key 2\nberth " BERTH_VERSION "\n";
    struct stat st {};
    if (::stat("/proc/self/exe", &st) == 0)
        k += "exe " + std::to_string(st.st_dev) + " " + std::to_string(st.st_ino) + " " + std::to_string(st.st_size) +
             " " + std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + "\n";
    k += "libseccomp " + os::seccomp_library_version() + "\nnative " + os::seccomp_native_arch() + "\ndefault ";
    add_string(k, s.default_action);
    k += ' ';
    add_errno(k, s.default_errno_ret);
    k += '\n';
    for (const auto& a : s.architectures) {
        k += "arch ";
        add_string(k, a);
        k += '\n';
    }
    for (const auto& call : s.syscalls) {
        k += "rule ";
        add_string(k, call.action);
        k += ' ';
        add_errno(k, call.errno_ret);
        k += '\n';
        for (const auto& n : call.names) {
            k += " name ";
            add_string(k, n);
            k += '\n';
        }
        for (const auto& a : call.args) {
            k += " arg " + std::to_string(a.index) + ' ';
            add_string(k, a.op);
            k += ' ' + std::to_string(a.value) + ' ' + std::to_string(a.value_two) + '\n';
        }
    }
    return k;
}

std::string SeccompCache::path_for(const std::string& key) const { return path_join(dir_, entry_name(key)); }

std::optional<std::vector<struct sock_filter>> SeccompCache::load(const std::string& key) const
{
    Fd fd(::open(path_for(key).c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
    if (!fd) return std::nullopt;
    struct stat st;
    if (::fstat(fd.get(), &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid() || (st.st_mode & 077) != 0)
        return std::nullopt;
    auto size = static_cast<uint64_t>(st.st_size);
    if (size < sizeof(Header) || size > sizeof(Header) + key.size() + BPF_MAXINSNS * sizeof(struct sock_filter))
        return std::nullopt;
    std::string data(static_cast<size_t>(size), '\0');
    size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::pread(fd.get(), data.data() + done, data.size() - done, static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return std::nullopt;
        done += static_cast<size_t>(n);
    }
    Header h;
    std::memcpy(&h, data.data(), sizeof h);
    if (std::memcmp(h.magic, magic, sizeof magic) != 0 || h.key_size != key.size() || h.insns == 0 ||
        h.insns > BPF_MAXINSNS || size != sizeof h + h.key_size + h.insns * sizeof(struct sock_filter))
        return std::nullopt;
    if (data.compare(sizeof h, key.size(), key) != 0) return std::nullopt;
    std::vector<struct sock_filter> bpf(static_cast<size_t>(h.insns));
    size_t bytes = bpf.size() * sizeof(struct sock_filter);
    std::memcpy(bpf.data(), data.data() + sizeof h + key.size(), bytes);
    if (checksum(key, bpf.data(), bytes) != h.checksum) return std::nullopt;
    return bpf;
}

void SeccompCache::store(const std::string& key, const std::vector<struct sock_filter>& bpf) const noexcept
{
    try {
        if (::mkdir(dir_.c_str(), 0700) < 0 && errno != EEXIST) return;
        Fd dir(::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        struct stat st;
        if (!dir || ::fstat(dir.get(), &st) < 0 || st.st_uid != ::geteuid() || (st.st_mode & 077) != 0) return;
        std::string name = entry_name(key);
        if (auto entries = read_dir(dir.get(), "."); entries && entries->size() >= max_entries)
            for (const auto& e : *entries) ::unlinkat(dir.get(), e.name.c_str(), 0);
        Header h{};
        std::memcpy(h.magic, magic, sizeof magic);
        h.key_size = key.size();
        h.insns = bpf.size();
        size_t bytes = bpf.size() * sizeof(struct sock_filter);
        h.checksum = checksum(key, bpf.data(), bytes);
        std::string data(reinterpret_cast<const char*>(&h), sizeof h);
        data += key;
        data.append(reinterpret_cast<const char*>(bpf.data()), bytes);
        // A name of our own: another berth may be storing the same entry right now.
        std::string tmp = ".tmp." + std::to_string(::getpid());
        Fd out(::openat(dir.get(), tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (!out) return;
        bool ok = write_all(out.get(), data.data(), data.size()) && ::fchmod(out.get(), 0600) == 0 &&
                  ::renameat(dir.get(), tmp.c_str(), dir.get(), name.c_str()) == 0;
        if (!ok) ::unlinkat(dir.get(), tmp.c_str(), 0);
    } catch (const std::exception&) {
        // A miss next time; nothing else depends on it.
    }
}

os::SeccompProgram plan_seccomp(const spec::Seccomp& s, const ProcessPlan& process, const std::string& cache_dir,
                                const Logger& log)
{
    const std::string where = "config.json: .linux.seccomp";
    check_notify_rules(s, where);
    os::SeccompProgram prog;
    prog.flags = os::seccomp_load_flags(s, where, log);
    prog.before_identity = !process.no_new_privileges && !keeps_sys_admin(process);
    auto start = std::chrono::steady_clock::now();
    auto elapsed = [&] {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.3f ms",
                      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        return std::string(buf);
    };
    std::string key;
    std::optional<SeccompCache> cache;
    if (!cache_dir.empty()) {
        key = seccomp_cache_key(s);
        cache.emplace(cache_dir);
        if (auto bpf = cache->load(key)) {
            prog.bpf = std::move(*bpf);
            log.debug_lazy([&] {
                return "seccomp: " + std::to_string(prog.bpf.size()) + " instructions from " + cache->path_for(key) +
                       " in " + elapsed();
            });
            return prog;
        }
    }
    prog.bpf = os::compile_seccomp(s, where, log);
    const size_t compiled = prog.bpf.size();
    // The compact program when the compactor can prove it equivalent (the cache stores what is loaded).
    auto compact = os::compact_seccomp(prog.bpf);
    if (compact) prog.bpf = std::move(*compact);
    log.debug_lazy([&] {
        return "seccomp: compiled " + std::to_string(compiled) + " instructions, " +
               (compact ? std::to_string(prog.bpf.size()) + " after compaction" : std::string("not compacted")) + ", in " +
               elapsed();
    });
    if (cache) cache->store(key, prog.bpf);
    return prog;
}

}  // namespace berth::runtime
