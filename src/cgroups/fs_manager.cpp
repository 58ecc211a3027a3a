// The cgroupfs manager: v1 hierarchies, the unified hierarchy, or both (hybrid).
#include <fcntl.h>
#include <unistd.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>

#include "berth/cgroups/backends.hpp"
#include "berth/cgroups/mountinfo.hpp"
#include "berth/cgroups/resources.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"

namespace berth::cgroups {

namespace {

using namespace std::chrono_literals;

// Hierarchy::mount_name: the mount point relative to /sys/fs/cgroup.
std::string mount_name(const std::string& mount_point)
{
    std::string_view mp = mount_point;
    if (mp == cgroup_base) return "";
    if (mp.substr(0, cgroup_base.size()) == cgroup_base && mp.size() > cgroup_base.size() &&
        mp[cgroup_base.size()] == '/')
        return std::string(mp.substr(cgroup_base.size() + 1));
    return std::string(mp.substr(mp.rfind('/') + 1));
}

class FsManager final : public Manager {
public:
    FsManager(Mode mode, std::optional<V1> v1, std::optional<V2> v2)
        : mode_(mode), v1_(std::move(v1)), v2_(std::move(v2))
    {
    }

    void create() override
    {
        try {
            create_dirs();
        } catch (const Error&) {
            // Leave nothing half made; the new dirs are empty, so this does not wait.
            try {
                destroy();
            } catch (const Error&) {
            }
            throw;
        }
    }

    void create_dirs()
    {
        if (v1_) v1_->create();
        if (!v2_) return;
        try {
            v2_->create();
        } catch (const Error& e) {
            // On hybrid hosts the unified hierarchy only serves systemd's process tracking; a
            // read-only or foreign-owned one (berth inside another container) is not fatal.
            bool optional = mode_ == Mode::hybrid && v1_;
            if (!optional || (e.code() != EROFS && e.code() != EACCES && e.code() != EPERM)) throw;
            v2_.reset();
        }
    }

    void add_process(pid_t pid) override
    {
        if (v1_) v1_->add_process(pid);
        if (v2_) v2_->add_process(pid);
    }

    std::optional<SelfJoin> self_join() const override
    {
        if (!v1_ && !v2_) return std::nullopt;
        SelfJoin j;
        if (v2_) j.clone_into = v2_->dir();
        if (v1_)
            for (const auto& d : v1_->dirs()) j.tasks_files.push_back(d.dir + "/tasks");
        return j;
    }

    std::vector<pid_t> pids() const override
    {
        std::vector<pid_t> out;
        if (auto d = v1_ ? v1_->process_source() : nullptr)
            fs::collect_pids(d->dir, out);
        else if (v2_)
            out = v2_->pids();
        else
            fs::collect_pids(v1_->dirs().front().dir, out);
        std::sort(out.begin(), out.end());
        out.erase(std::unique(out.begin(), out.end()), out.end());
        return out;
    }

    void kill_all(int sig) override
    {
        if (sig == SIGKILL && v2_ && v2_->kill()) return;

        bool can_freeze = (v1_ && v1_->has_freezer()) || v2_;
        bool was_frozen = can_freeze && frozen();
        bool froze = false;
        if (can_freeze && !was_frozen) {
            try {
                set_frozen(true);
                froze = true;
            } catch (const Error&) {
                // Best effort: signalling an unfrozen cgroup beats not signalling at all.
            }
        }
        // Thaw afterwards: after SIGKILL so frozen processes can die, otherwise to restore the
        // state we found (a paused container stays paused).
        bool thaw = froze || (was_frozen && sig == SIGKILL);
        try {
            fs::signal_pids(pids(), sig);
        } catch (const Error&) {
            if (thaw) {
                try {
                    set_frozen(false);
                } catch (const Error&) {
                }
            }
            throw;
        }
        if (thaw) set_frozen(false);
    }

    void destroy() override
    {
        auto deadline = fs::Clock::now() + 1s;
        std::optional<Error> first;
        auto attempt = [&](auto&& f) {
            try {
                f();
            } catch (Error& e) {
                if (!first) first = std::move(e);
            }
        };
        if (v1_) attempt([&] { v1_->destroy(deadline); });
        if (v2_) attempt([&] { v2_->destroy(deadline); });
        if (first) throw *first;
    }

    bool frozen() const override
    {
        if (v1_ && v1_->has_freezer()) return v1_->frozen();
        return v2_ && v2_->frozen();
    }

    void set_frozen(bool frozen) override
    {
        if (v1_ && v1_->has_freezer())
            v1_->set_frozen(frozen);
        else if (v2_)
            v2_->set_frozen(frozen);
        else
            throw Error("cannot " + std::string(frozen ? "freeze " : "thaw ") + describe() +
                        ": no freezer hierarchy is mounted");
    }

    void apply_devices(const std::vector<DeviceRule>& rules) override
    {
        if (auto d = v1_ ? v1_->find("devices") : nullptr) {
            // One rule per write(2), through one fd per file.
            Fd allow = open_or_throw(d->dir + "/devices.allow", O_WRONLY);
            Fd deny = open_or_throw(d->dir + "/devices.deny", O_WRONLY);
            for (const auto& r : rules) {
                std::string line = v1_device_line(r);
                if (::write(r.allow ? allow.get() : deny.get(), line.data(), line.size()) < 0)
                    throw_errno("apply device rule \"" + line + "\" to " + d->dir);
            }
            return;
        }
        if (!v2_) throw Error("device rules cannot be enforced: no devices controller and no cgroup2 hierarchy");
        with_context("apply device rules to " + v2_->dir(), [&] {
            Fd dir = open_or_throw(v2_->dir(), O_RDONLY | O_DIRECTORY);
            attach_device_program(dir.get(), device_program(rules));
        });
    }

    std::vector<std::string> apply_resources(const spec::Resources& r) override
    {
        std::vector<std::string> warnings;
        if (r.memory) {
            const spec::Memory& m = *r.memory;
            if (auto d = v1_ ? v1_->find("memory") : nullptr) {
                std::optional<uint64_t> current;
                if (m.limit && m.swap) current = current_v1_limit(d->dir);
                write_memory_v1(d->dir, memory_v1(m, current, warnings), warnings);
            } else {
                // Best effort, as runc: a cgroup without memory.current yet is not checked.
                if (auto usage = v2_ ? read_number(v2_->dir() + "/memory.current") : std::nullopt)
                    check_memory_usage(m, *usage);
                place_v2("memory", memory_v2(m, warnings));
            }
        }
        if (r.cpu) {
            if (auto d = v1_ ? v1_->find("cpu") : nullptr)
                write_all(d->dir, cpu_v1(*r.cpu));
            else
                place_v2("cpu", cpu_v2(*r.cpu));
            if (auto d = v1_ ? v1_->find("cpuset") : nullptr)
                write_all(d->dir, cpuset_writes(*r.cpu));
            else
                place_v2("cpuset", cpuset_writes(*r.cpu));
        }
        if (r.pids) {
            if (auto d = v1_ ? v1_->find("pids") : nullptr)
                write_all(d->dir, pids_writes(*r.pids));
            else
                place_v2("pids", pids_writes(*r.pids));
        }
        if (r.block_io) {
            if (auto d = v1_ ? v1_->find("blkio") : nullptr) {
                bool bfq = !path_exists(d->dir + "/blkio.weight") && path_exists(d->dir + "/blkio.bfq.weight");
                write_all(d->dir, blockio_v1(*r.block_io, bfq));
            } else {
                // The io controller first: io.bfq.weight appears only once it is enabled.
                if (v2_) enable_v2_controller(v2_->mount_point(), v2_->dir(), "io");
                bool bfq = v2_ && path_exists(v2_->dir() + "/io.bfq.weight");
                place_v2("io", blockio_v2(*r.block_io, bfq, warnings));
            }
        }
        if (!r.hugepage_limits.empty()) {
            // Hybrid hosts may have hugetlb only in the unified tree (this is where crun fails).
            if (auto d = v1_ ? v1_->find("hugetlb") : nullptr)
                write_all(d->dir, hugetlb_writes(r.hugepage_limits, false));
            else
                place_v2("hugetlb", hugetlb_writes(r.hugepage_limits, true));
        }
        if (r.network) {
            place_v1_only("net_cls", net_cls_writes(*r.network));
            place_v1_only("net_prio", net_prio_writes(*r.network));
        }
        if (auto writes = rdma_writes(r.rdma); !writes.empty()) {
            if (auto d = v1_ ? v1_->find("rdma") : nullptr)
                write_all(d->dir, writes);
            else
                place_v2("rdma", writes);
        }
        if (auto writes = unified_writes(r.unified); !writes.empty()) {
            if (!v2_)
                throw Error("config.json: " + writes.front().field + ": cgroup v2 is not mounted (unified needs it)");
            for (const auto& w : writes) {
                std::string controller = w.file.substr(0, w.file.find('.'));
                if (controller != "cgroup") enable_v2_controller(v2_->mount_point(), v2_->dir(), controller);
            }
            write_all(v2_->dir(), writes);
        }
        return warnings;
    }

    std::vector<Hierarchy> hierarchies() const override
    {
        std::vector<Hierarchy> out;
        if (v1_)
            for (const auto& d : v1_->dirs()) out.push_back({mount_name(d.mount_point), d.dir, false});
        if (v2_) out.push_back({mount_name(v2_->mount_point()), v2_->dir(), true});
        return out;
    }

    nlohmann::json to_json() const override
    {
        nlohmann::json j{{"mode", mode_name(mode_)}};
        if (v1_) j["v1"] = v1_->to_json();
        if (v2_) j["v2"] = v2_->to_json();
        return j;
    }

    Mode mode() const override { return mode_; }

    // The cgroup path inside the hierarchy processes are listed from, e.g. "cgroup /berth/c1".
    std::string describe() const override
    {
        const std::string* mount = nullptr;
        const std::string* dir = nullptr;
        if (auto d = v1_ ? v1_->process_source() : nullptr) {
            mount = &d->mount_point;
            dir = &d->dir;
        } else if (v2_) {
            mount = &v2_->mount_point();
            dir = &v2_->dir();
        } else {
            mount = &v1_->dirs().front().mount_point;
            dir = &v1_->dirs().front().dir;
        }
        return "cgroup " + dir->substr(std::min(mount->size(), dir->size()));
    }

private:
    // Writes for a controller no v1 hierarchy holds: in the unified hierarchy, if there is one.
    void place_v2(std::string_view controller, const std::vector<Write>& writes)
    {
        if (writes.empty()) return;
        if (!v2_)
            throw Error("config.json: " + writes.front().field + ": no " + std::string(controller) +
                        " controller is mounted (cgroup v1 or v2)");
        enable_v2_controller(v2_->mount_point(), v2_->dir(), controller);
        write_all(v2_->dir(), writes);
    }

    void place_v1_only(const char* controller, const std::vector<Write>& writes)
    {
        if (writes.empty()) return;
        auto d = v1_ ? v1_->find(controller) : nullptr;
        if (!d)
            throw Error("config.json: " + writes.front().field + ": no " + controller +
                        " controller is mounted (a cgroup v1 controller; cgroup v2 has none)");
        write_all(d->dir, writes);
    }

    static std::optional<uint64_t> current_v1_limit(const std::string& dir)
    {
        return read_number(dir + "/memory.limit_in_bytes");
    }

    // nullopt when missing, unreadable or not a number.
    static std::optional<uint64_t> read_number(const std::string& path)
    {
        try {
            auto v = read_file_if_exists(path);
            if (!v) return std::nullopt;
            return std::stoull(fs::trimmed(*v));
        } catch (const std::exception&) {
            return std::nullopt;
        }
    }

    Mode mode_;
    std::optional<V1> v1_;
    std::optional<V2> v2_;
};

}  // namespace

std::unique_ptr<Manager> make_fs_manager(Mode mode, std::optional<V1> v1, std::optional<V2> v2)
{
    if (!v1 && !v2) throw Error("no cgroup hierarchy to manage");
    return std::make_unique<FsManager>(mode, std::move(v1), std::move(v2));
}

}  // namespace berth::cgroups
