#include "berth/runtime/container.hpp"

#include <signal.h>

#include <chrono>

#include "berth/linux/private_rootfs.hpp"
#include "berth/linux/syscalls.hpp"
#include "berth/runtime/cgroup_claim.hpp"
#include "berth/runtime/hooks.hpp"
#include "berth/spec/parse.hpp"
#include "berth/state/files.hpp"
#include "berth/state/proc_info.hpp"
#include "berth/util/error.hpp"
#include "berth/util/retry.hpp"

namespace berth::runtime {

namespace {

std::unique_ptr<cgroups::Manager> load_cgroup(const state::Record& rec)
{
    if (rec.cgroup.is_null() || rec.cgroup.empty()) return nullptr;
    return cgroups::load_manager(rec.cgroup);
}

void wait_init_gone(const state::Record& rec)
{
    using namespace std::chrono;
    bool gone = poll_until(steady_clock::now() + seconds(5),
                           [&] { return !state::init_alive(rec, state::read_proc_info(rec.pid)); });
    if (!gone) throw Error("container init " + std::to_string(rec.pid) + " did not exit after SIGKILL");
}

// The status from the init's /proc entry and, only for a live init of a created or running
// container, the freezer of the manager get_cgroup() returns (null: none).
template <class GetCgroup>
state::Status status_of(const state::Record& rec, GetCgroup&& get_cgroup)
{
    auto info = rec.pid > 0 ? state::read_proc_info(rec.pid) : state::ProcInfo{};
    bool frozen = false;
    if ((rec.status == state::Status::running || rec.status == state::Status::created) && info.exists)
        if (cgroups::Manager* cg = get_cgroup()) frozen = cg->frozen();
    return state::derive_status(rec, info, frozen);
}

}  // namespace

Container::Container(state::ContainerDir dir, bool has_record) : dir_(std::move(dir)), has_record_(has_record)
{
    if (!has_record_) return;
    rec_ = dir_.read();
    status_ = status_of(rec_, [this] { return cgroup(); });
}

state::Status Container::live_status(const state::Record& rec)
{
    std::unique_ptr<cgroups::Manager> loaded;
    return status_of(rec, [&] {
        loaded = load_cgroup(rec);
        return loaded.get();
    });
}

Container Container::open(const Context& ctx, std::string_view id)
{
    auto dir = ctx.store.open(id);
    bool has = dir.has_record();
    return Container(std::move(dir), has);
}

Container Container::inspect(const Context& ctx, std::string_view id)
{
    auto dir = ctx.store.inspect(id);
    if (!dir.has_record()) throw Error("container \"" + std::string(id) + "\" does not exist");
    return Container(std::move(dir), true);
}


cgroups::Manager* Container::cgroup()
{
    if (!cgroup_loaded_) {
        cgroup_ = load_cgroup(rec_);
        cgroup_loaded_ = true;
    }
    return cgroup_.get();
}

spec::Config Container::config() const
{
    return spec::parse_config(std::make_shared<const std::string>(dir_.read_config()), std::string(state::config_file));
}

Fd Container::init_pidfd() const
{
    if (rec_.pid <= 0) return Fd();
    Fd pidfd(os::pidfd_open(rec_.pid));
    if (!pidfd || !state::init_alive(rec_, state::read_proc_info(rec_.pid))) return Fd();
    return pidfd;
}

std::optional<spec::Hooks> Container::hooks_or_warn(const Logger& log, std::string_view what) const
{
    try {
        return spec::parse_config_hooks(dir_.read_config(), std::string(state::config_file));
    } catch (const Error& e) {
        // A run without hooks or a seccomp agent records "running" from the first and keeps its
        // config only while its process execs (launch.cpp): one killed before that has no config
        // and no hooks to miss.
        if (e.code() == ENOENT && rec_.status == state::Status::running) return std::nullopt;
        log.warn(std::string(what) + ": " + e.message());
        return std::nullopt;
    }
}

bool Container::signal_init(int sig) const
{
    Fd pidfd = init_pidfd();
    if (!pidfd) return false;
    if (os::pidfd_send_signal(pidfd.get(), sig) < 0) {
        if (errno == ESRCH) return false;
        throw_errno("signal container init " + std::to_string(rec_.pid));
    }
    return true;
}

void Container::save_status(state::Status s)
{
    rec_.status = s;
    dir_.write(rec_);
    status_ = s;
}

void Container::detach_private_rootfs(const Logger& log)
{
    auto text = dir_.read_file(state::rootfs_mount_file);
    if (!text) return;
    auto m = os::RootfsMount::parse(*text);
    if (!m) throw Error("corrupt " + dir_.path() + "/" + state::rootfs_mount_file);
    bool detached = os::detach_rootfs(*m);
    log.debug_lazy([&] {
        return "destroy " + id() + ": " + (detached ? "detached the mounts on " : "no mount of berth's left on ") + m->rootfs;
    });
}

void Container::destroy(const Logger& log, const std::optional<spec::Hooks>* stored_hooks)
{
    log.debug_lazy([&] { return "destroy " + id() + ": init " + std::to_string(rec_.pid); });
    // The poststop hooks come from the stored config, read before the state dir goes.
    std::optional<spec::Hooks> stored;
    if (!has_record_) {
        // Killed before state.json: its init is gone or going (it exits without berth), and
        // the cgroup dirs it was given are named by the intent file.
        if (auto intent = dir_.read_file(state::cgroup_intent_file)) remove_intended_cgroup(*intent);
    } else {
        stored = stored_hooks ? *stored_hooks : hooks_or_warn(log, "poststop hooks not run");
        if (signal_init(SIGKILL)) wait_init_gone(rec_);
        if (auto* cg = cgroup()) {
            // With a shared pid namespace the init's death does not take the rest along.
            cg->kill_all(SIGKILL);
            log.debug_lazy([&] { return "destroy " + id() + ": processes gone"; });
            cg->destroy();
            log.debug_lazy([&] { return "destroy " + id() + ": cgroup removed"; });
        }
    }
    detach_private_rootfs(log);
    dir_.remove();
    log.debug_lazy([&] { return "destroy " + id() + ": state removed"; });
    // runtime.md lifecycle step 13: after the container is gone; failures are warnings.
    if (stored)
        run_hooks_warn_only(stored, HookKind::poststop, hook_state(id(), "stopped", rec_.bundle, rec_.annotations), 0,
                            log);
}

}  // namespace berth::runtime
