#include "berth/runtime/lifecycle.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <thread>

#include "berth/cgroups/manager.hpp"
#include "berth/linux/syscalls.hpp"
#include "berth/state/proc_info.hpp"
#include "berth/state/status.hpp"
#include "berth/util/error.hpp"

namespace berth::runtime {

namespace {

std::unique_ptr<cgroups::Manager> cgroup_of(const state::Record& rec)
{
    if (rec.cgroup.is_null() || rec.cgroup.empty()) return nullptr;
    return cgroups::load_manager(rec.cgroup);
}

// Signals the init through a pidfd taken while its start time still matches, so a pid the
// kernel has handed to another process is never signalled. False when the init is gone.
bool signal_init(const state::Record& rec, int sig)
{
    if (rec.pid <= 0) return false;
    Fd pidfd(os::pidfd_open(rec.pid));
    if (!pidfd) return false;
    auto info = state::read_proc_info(rec.pid);
    if (!state::init_alive(rec, info)) return false;
    if (os::pidfd_send_signal(pidfd.get(), sig) < 0) {
        if (errno == ESRCH) return false;
        throw_errno("signal container init " + std::to_string(rec.pid));
    }
    return true;
}

void wait_init_gone(const state::Record& rec)
{
    using namespace std::chrono;
    auto deadline = steady_clock::now() + seconds(5);
    for (auto delay = microseconds(200); steady_clock::now() < deadline; delay = std::min(delay * 2, microseconds(50000))) {
        auto info = state::read_proc_info(rec.pid);
        if (!state::init_alive(rec, info)) return;
        std::this_thread::sleep_for(delay);
    }
    throw Error("container init " + std::to_string(rec.pid) + " did not exit after SIGKILL");
}

[[noreturn]] void wrong_state(const std::string& action, state::Status s)
{
    switch (s) {
    case state::Status::running: throw Error("cannot " + action + " an already running container");
    case state::Status::stopped: throw Error("cannot " + action + " a container that has stopped");
    default: throw Error("cannot " + action + " a container in the " + std::string(state::to_string(s)) + " state");
    }
}

}  // namespace

state::Status live_status(const state::Record& rec)
{
    auto info = rec.pid > 0 ? state::read_proc_info(rec.pid) : state::ProcInfo{};
    bool frozen = false;
    if ((rec.status == state::Status::running || rec.status == state::Status::created) && info.exists) {
        if (auto cg = cgroup_of(rec)) frozen = cg->frozen();
    }
    return state::derive_status(rec, info, frozen);
}

void start_container(const Context& ctx, const std::string& id)
{
    with_context("start " + id, [&] {
        auto dir = ctx.store.open(id);
        auto rec = dir.read();
        auto st = live_status(rec);
        if (st != state::Status::created) wrong_state("start", st);
        int fd = ::openat(dir.dirfd(), "exec.fifo", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) {
            if (errno == ENXIO) throw Error("container init is not waiting to start (it exited)");
            throw_errno("open exec fifo");
        }
        Fd fifo(fd);
        if (::write(fifo.get(), "0", 1) != 1) throw_errno("write exec fifo");
        ::unlinkat(dir.dirfd(), "exec.fifo", 0);
        rec.status = state::Status::running;
        dir.write(rec);
    });
}

nlohmann::ordered_json container_state(const Context& ctx, const std::string& id)
{
    auto dir = ctx.store.open(id);
    auto rec = dir.read();
    return state::to_state_json(rec, live_status(rec));
}

void kill_container(const Context& ctx, const std::string& id, int sig, bool all)
{
    auto dir = ctx.store.open(id);
    auto rec = dir.read();
    auto st = live_status(rec);
    if (all) {
        auto cg = cgroup_of(rec);
        if (cg) {
            cg->kill_all(sig);
            return;
        }
        ctx.log.warn("kill --all: container " + id + " has no cgroup; signalling its init only");
    }
    if (st == state::Status::stopped || !signal_init(rec, sig)) throw Error("container not running");
}

void pause_container(const Context& ctx, const std::string& id)
{
    with_context("pause " + id, [&] {
        auto dir = ctx.store.open(id);
        auto rec = dir.read();
        auto st = live_status(rec);
        if (st != state::Status::running && st != state::Status::created) throw Error("container not running");
        auto cg = cgroup_of(rec);
        if (!cg || cg->hierarchies().empty()) throw Error("the container has no cgroup to freeze");
        cg->set_frozen(true);
    });
}

void resume_container(const Context& ctx, const std::string& id)
{
    with_context("resume " + id, [&] {
        auto dir = ctx.store.open(id);
        auto rec = dir.read();
        if (live_status(rec) != state::Status::paused) throw Error("container not paused");
        cgroup_of(rec)->set_frozen(false);
    });
}

void destroy_container(const Context& ctx, state::ContainerDir& dir, const state::Record& rec)
{
    ctx.log.debug_lazy([&] { return "destroy " + rec.id + ": init " + std::to_string(rec.pid); });
    auto cg = cgroup_of(rec);
    if (signal_init(rec, SIGKILL)) wait_init_gone(rec);
    if (cg) {
        // With a shared pid namespace the init's death does not take the rest along.
        cg->kill_all(SIGKILL);
        cg->destroy();
    }
    dir.remove();
}

void delete_container(const Context& ctx, const std::string& id, bool force)
{
    with_context("delete " + id, [&] {
        // Like runc, forcing the delete of a container that is already gone succeeds.
        if (force && !ctx.store.exists(id)) return;
        auto dir = ctx.store.open(id);
        if (!dir.has_record()) {
            // A create that died before writing its record; nothing runs from it.
            if (!force) throw Error("container \"" + id + "\" is being created");
            dir.remove();
            return;
        }
        auto rec = dir.read();
        auto st = live_status(rec);
        if ((st == state::Status::running || st == state::Status::paused) && !force)
            throw Error("cannot delete container " + id + " that is not stopped: " + std::string(state::to_string(st)));
        if (st == state::Status::paused) {
            if (auto cg = cgroup_of(rec)) cg->set_frozen(false);
        }
        destroy_container(ctx, dir, rec);
    });
}

std::vector<pid_t> container_pids(const Context& ctx, const std::string& id)
{
    auto dir = ctx.store.open(id);
    auto rec = dir.read();
    if (live_status(rec) == state::Status::stopped) throw Error("container not running");
    auto cg = cgroup_of(rec);
    if (!cg) return {rec.pid};
    return cg->pids();
}

std::vector<ListEntry> list_containers(const Context& ctx)
{
    std::vector<ListEntry> out;
    for (const auto& id : ctx.store.list()) {
        try {
            auto dir = ctx.store.open(id);
            if (!dir.has_record()) continue;
            auto rec = dir.read();
            auto st = live_status(rec);
            out.push_back({std::move(rec), st});
        } catch (const Error&) {
            // Deleted while we listed: not an error for `list`.
        }
    }
    return out;
}

}  // namespace berth::runtime
