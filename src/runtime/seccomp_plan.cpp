#include "berth/runtime/seccomp_plan.hpp"

#include <fcntl.h>
#include <linux/capability.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "berth/linux/seccomp_compact.hpp"
#include "berth/spec/parse.hpp"
#include "berth/util/error.hpp"
#include "berth/util/fd.hpp"
#include "berth/util/file.hpp"
#include "berth/util/json_reader.hpp"
#include "berth_config.h"

namespace berth::runtime {

namespace {

constexpr char magic[16] = {'b', 'e', 'r', 't', 'h', '-', 's', 'e', 'c', 'c', 'o', 'm', 'p', '\n', '\0', '\3'};
constexpr size_t max_entries = 64;
constexpr uint64_t max_listener_text = 64 * 1024;  // path and metadata together, far beyond a sun_path

// The header of a cache file. The key (its head, then the profile), the listener's path and
// metadata, and the program follow.
struct Header {
    char magic[16];
    uint64_t head_size;
    uint64_t profile_size;
    uint64_t insns;
    uint64_t flags;
    uint64_t path_size;
    uint64_t metadata_size;
    uint64_t checksum;  // of the header (this field 0) and what follows the key (compared byte for byte)
};

uint64_t checksum(Header h, const std::string& rest);

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

uint64_t checksum(Header h, const std::string& rest)
{
    h.checksum = 0;
    return fnv1a(rest.data(), rest.size(), fnv1a(&h, sizeof h));
}

std::string entry_name(const SeccompCacheKey& key)
{
    char name[32];
    uint64_t h = fnv1a(key.profile.data(), key.profile.size(), fnv1a(key.head.data(), key.head.size()));
    std::snprintf(name, sizeof name, "%016llx", static_cast<unsigned long long>(h));
    return name;
}

// Whether the file holds `want` at `offset`, read in pieces into a buffer on the stack: the
// profile is ~17 KB and a copy of it on the heap costs a start more than the comparison.
bool holds_at(int fd, uint64_t offset, std::string_view want)
{
    char buf[4096];
    while (!want.empty()) {
        size_t n = std::min(want.size(), sizeof buf);
        if (!pread_all(fd, buf, n, offset) || std::memcmp(buf, want.data(), n) != 0) return false;
        want.remove_prefix(n);
        offset += n;
    }
    return true;
}

void add_string(std::string& out, std::string_view s)
{
    out += std::to_string(s.size());
    out += ':';
    out += s;
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

SeccompCacheKey seccomp_cache_key(std::string_view profile_json)
{
    SeccompCacheKey key;
    key.profile = profile_json;
    std::string& k = key.head;
    k = "berth-seccomp-key 3\nberth " BERTH_VERSION "\n";
    struct stat st {};
    if (::stat("/proc/self/exe", &st) == 0) {
        char line[160];
        std::snprintf(line, sizeof line, "exe %llu %llu %lld %lld.%09ld\n", static_cast<unsigned long long>(st.st_dev),
                      static_cast<unsigned long long>(st.st_ino), static_cast<long long>(st.st_size),
                      static_cast<long long>(st.st_mtim.tv_sec), st.st_mtim.tv_nsec);
        k += line;
    }
    k += "libseccomp " + os::seccomp_library_version() + "\n";
    struct utsname u {};
    if (::uname(&u) == 0) {
        k += "kernel ";
        add_string(k, u.release);
        k += ' ';
        add_string(k, u.version);
        k += '\n';
    }
    return key;
}

std::string SeccompCache::path_for(const SeccompCacheKey& key) const { return path_join(dir_, entry_name(key)); }

std::optional<SeccompFilter> SeccompCache::load(const SeccompCacheKey& key) const
{
    Fd fd(::open(path_for(key).c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
    if (!fd) return std::nullopt;
    struct stat st;
    if (::fstat(fd.get(), &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid() || (st.st_mode & 077) != 0)
        return std::nullopt;
    Header h;
    if (!pread_all(fd.get(), &h, sizeof h, 0)) return std::nullopt;
    if (std::memcmp(h.magic, magic, sizeof magic) != 0 || h.head_size != key.head.size() ||
        h.profile_size != key.profile.size() || h.insns == 0 || h.insns > BPF_MAXINSNS ||
        h.path_size > max_listener_text || h.metadata_size > max_listener_text - h.path_size ||
        static_cast<uint64_t>(st.st_size) !=
            sizeof h + h.head_size + h.profile_size + h.path_size + h.metadata_size + h.insns * sizeof(struct sock_filter))
        return std::nullopt;
    if (!holds_at(fd.get(), sizeof h, key.head) || !holds_at(fd.get(), sizeof h + h.head_size, key.profile))
        return std::nullopt;
    std::string rest(static_cast<size_t>(h.path_size + h.metadata_size + h.insns * sizeof(struct sock_filter)), '\0');
    if (!pread_all(fd.get(), rest.data(), rest.size(), sizeof h + h.head_size + h.profile_size)) return std::nullopt;
    if (checksum(h, rest) != h.checksum) return std::nullopt;
    SeccompFilter f;
    f.flags = static_cast<unsigned>(h.flags);
    if (f.flags != h.flags) return std::nullopt;
    f.listener_path.assign(rest.data(), h.path_size);
    f.listener_metadata.assign(rest.data() + h.path_size, h.metadata_size);
    f.bpf.resize(static_cast<size_t>(h.insns));
    std::memcpy(f.bpf.data(), rest.data() + h.path_size + h.metadata_size, f.bpf.size() * sizeof(struct sock_filter));
    return f;
}

void SeccompCache::store(const SeccompCacheKey& key, const SeccompFilter& f) const noexcept
{
    try {
        if (::mkdir(dir_.c_str(), 0700) < 0 && errno != EEXIST) return;
        Fd dir(::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        struct stat st;
        if (!dir || ::fstat(dir.get(), &st) < 0 || st.st_uid != ::geteuid() || (st.st_mode & 077) != 0) return;
        if (f.listener_path.size() + f.listener_metadata.size() > max_listener_text) return;
        std::string name = entry_name(key);
        if (auto entries = read_dir(dir.get(), "."); entries && entries->size() >= max_entries)
            for (const auto& e : *entries) ::unlinkat(dir.get(), e.name.c_str(), 0);
        std::string rest = f.listener_path + f.listener_metadata;
        rest.append(reinterpret_cast<const char*>(f.bpf.data()), f.bpf.size() * sizeof(struct sock_filter));
        Header h{};
        std::memcpy(h.magic, magic, sizeof magic);
        h.head_size = key.head.size();
        h.profile_size = key.profile.size();
        h.insns = f.bpf.size();
        h.flags = f.flags;
        h.path_size = f.listener_path.size();
        h.metadata_size = f.listener_metadata.size();
        h.checksum = checksum(h, rest);
        std::string data(reinterpret_cast<const char*>(&h), sizeof h);
        data += key.head;
        data += key.profile;
        data += rest;
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

SeccompFilter seccomp_filter(std::string_view profile_json, const std::string& cache_dir, const Logger& log)
{
    auto start = std::chrono::steady_clock::now();
    auto elapsed = [&] {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.3f ms",
                      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        return std::string(buf);
    };
    SeccompCacheKey key;
    std::optional<SeccompCache> cache;
    if (!cache_dir.empty()) {
        key = seccomp_cache_key(profile_json);
        cache.emplace(cache_dir);
        if (auto f = cache->load(key)) {
            log.debug_lazy([&] {
                return "seccomp: " + std::to_string(f->bpf.size()) + " instructions from " + cache->path_for(key) +
                       " in " + elapsed();
            });
            return std::move(*f);
        }
    }
    const std::string where = "config.json: .linux.seccomp";
    spec::Seccomp s = spec::parse_seccomp(profile_json);
    check_notify_rules(s, where);
    SeccompFilter f;
    f.flags = os::seccomp_load_flags(s, where, log);
    if (f.flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) {
        f.listener_path = s.listener_path;
        f.listener_metadata = s.listener_metadata;
    }
    f.bpf = os::compile_seccomp(s, where, log);
    const size_t compiled = f.bpf.size();
    // The compact program when the compactor can prove it equivalent (the cache stores what is loaded).
    auto compact = os::compact_seccomp(f.bpf);
    if (compact) f.bpf = std::move(*compact);
    log.debug_lazy([&] {
        return "seccomp: compiled " + std::to_string(compiled) + " instructions, " +
               (compact ? std::to_string(f.bpf.size()) + " after compaction" : std::string("not compacted")) + ", in " +
               elapsed();
    });
    if (cache) cache->store(key, f);
    return f;
}

os::SeccompProgram plan_seccomp(SeccompFilter filter, const ProcessPlan& process)
{
    os::SeccompProgram prog;
    prog.bpf = std::move(filter.bpf);
    prog.flags = filter.flags;
    prog.before_identity = !process.no_new_privileges && !keeps_sys_admin(process);
    return prog;
}

}  // namespace berth::runtime
