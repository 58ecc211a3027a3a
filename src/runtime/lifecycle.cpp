#include "berth/runtime/lifecycle.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <mutex>
#include <optional>
#include <thread>

#include "berth/runtime/container.hpp"
#include "berth/runtime/hooks.hpp"
#include "berth/spec/version.hpp"
#include "berth/state/files.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"

namespace berth::runtime {

namespace {

[[noreturn]] void wrong_state(const std::string& action, state::Status s)
{
    switch (s) {
    case state::Status::running: throw Error("cannot " + action + " an already running container");
    case state::Status::stopped: throw Error("cannot " + action + " a container that has stopped");
    default: throw Error("cannot " + action + " a container in the " + std::string(state::to_string(s)) + " state");
    }
}

// The poststart hooks run once the process runs (runtime.md), after the startContainer hooks.
// The init holds the exec fifo until execve closes it (close-on-exec), or until it dies: with
// no writer left, the fifo's read end reports POLLHUP.
void wait_for_exec(int fifo_read_end)
{
    struct pollfd p = {fifo_read_end, 0, 0};
    while (::poll(&p, 1, -1) < 0)
        if (errno != EINTR) throw_errno("wait for the container process to start");
}

}  // namespace

void start_container(const Context& ctx, const std::string& id)
{
    std::optional<spec::Hooks> hooks;
    state::Record rec;
    Fd exec_watch;
    with_context("start " + id, [&] {
        auto c = Container::open(ctx, id);
        if (c.status() != state::Status::created) wrong_state("start", c.status());
        int fd = ::openat(c.dir().dirfd(), state::exec_fifo_file, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) {
            if (errno == ENXIO) throw Error("container init is not waiting to start (it exited)");
            throw_errno("open exec fifo");
        }
        Fd fifo(fd);
        hooks = c.hooks_or_warn(ctx.log, "poststart hooks not run");
        if (!hooks_of(hooks, HookKind::poststart).empty())
            exec_watch = openat_or_throw(c.dir().dirfd(), state::exec_fifo_file, O_RDONLY | O_NONBLOCK);
        if (::write(fifo.get(), "0", 1) != 1) throw_errno("write exec fifo");
        fifo.reset();
        ctx.log.debug_lazy([&] { return "start " + id + ": init " + std::to_string(c.record().pid) + " released to exec"; });
        ::unlinkat(c.dir().dirfd(), state::exec_fifo_file, 0);
        c.save_status(state::Status::running);
        rec = c.record();
    });
    // Without the container's lock: a hook may well run `berth state` or `berth kill` on it.
    if (!exec_watch) return;
    wait_for_exec(exec_watch.get());
    run_hooks_warn_only(hooks, HookKind::poststart, hook_state(id, "running", rec.bundle, rec.annotations), rec.pid,
                        ctx.log);
}

nlohmann::ordered_json container_state(const Context& ctx, const std::string& id)
{
    auto dir = ctx.store.inspect(id);
    if (!dir.has_record()) {
        // A container dir without state.json yet (create writes it only once the init is in its
        // cgroup): "creating" while its creator holds the dir's lock, "stopped" once that
        // creator is gone (its init exits with it; `delete -f` removes the rest), as runc says.
        bool creator_alive = ::flock(dir.dirfd(), LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
        if (!creator_alive) ::flock(dir.dirfd(), LOCK_UN);
        state::Record partial;
        partial.oci_version = std::string(spec::oci_version);
        partial.id = id;
        return state::to_state_json(partial, creator_alive ? state::Status::creating : state::Status::stopped);
    }
    auto c = Container::inspect(ctx, id);
    return state::to_state_json(c.record(), c.status());
}

void kill_container(const Context& ctx, const std::string& id, int sig, bool all)
{
    auto c = Container::open(ctx, id);
    if (sig == 0) {
        // A liveness check, with --all too: the container runs while its init does.
        if (c.status() == state::Status::stopped || !c.signal_init(0)) throw Error("container not running");
        return;
    }
    if (all) {
        if (auto* cg = c.cgroup()) {
            cg->kill_all(sig);
            return;
        }
        ctx.log.warn("kill --all: container " + id + " has no cgroup; signalling its init only");
    }
    if (c.status() == state::Status::stopped || !c.signal_init(sig)) throw Error("container not running");
}

void pause_container(const Context& ctx, const std::string& id)
{
    with_context("pause " + id, [&] {
        auto c = Container::open(ctx, id);
        if (c.status() != state::Status::running && c.status() != state::Status::created)
            throw Error("container not running");
        auto* cg = c.cgroup();
        if (!cg || cg->hierarchies().empty()) throw Error("the container has no cgroup to freeze");
        cg->set_frozen(true);
    });
}

void resume_container(const Context& ctx, const std::string& id)
{
    with_context("resume " + id, [&] {
        auto c = Container::open(ctx, id);
        if (c.status() != state::Status::paused) throw Error("container not paused");
        c.cgroup()->set_frozen(false);
    });
}

void delete_container(const Context& ctx, const std::string& id, bool force)
{
    with_context("delete " + id, [&] {
        // A create of this id killed before its dir got its name left only a temporary dir.
        if (force) ctx.store.remove_creating_debris(id);
        // Like runc, forcing the delete of a container that is already gone succeeds.
        if (force && !ctx.store.exists(id)) return;
        std::optional<Container> opened;
        try {
            opened.emplace(Container::open(ctx, id));
        } catch (const Error&) {
            // A concurrent delete removed it between the check and the lock: for --force the
            // outcome asked for, as for runc (engines retry deletes and take a failure for a leak).
            if (force && !ctx.store.exists(id)) return;
            throw;
        }
        auto& c = *opened;
        // No record: a create that died before writing it; nothing runs from it.
        if (!c.has_record() && !force) throw Error("container \"" + id + "\" is being created");
        auto st = c.status();
        // A created container too, as the runtime-spec says and crun does (runc kills it).
        // Engines delete one only after killing it (containerd's client refuses otherwise) or
        // with --force (podman, CRI-O).
        if ((st == state::Status::running || st == state::Status::paused || st == state::Status::created) && !force)
            throw Error("cannot delete container " + id + " that is not stopped: " + std::string(state::to_string(st)));
        if (st == state::Status::paused)
            if (auto* cg = c.cgroup()) cg->set_frozen(false);
        c.destroy(ctx.log);
    });
}

std::vector<pid_t> container_pids(const Context& ctx, const std::string& id)
{
    auto c = Container::inspect(ctx, id);
    auto* cg = c.cgroup();
    // A stopped container has no processes (the pid may have been reused), unless something
    // it left behind still runs in its cgroup.
    if (!cg) return c.status() == state::Status::stopped ? std::vector<pid_t>{} : std::vector<pid_t>{c.record().pid};
    return cg->pids();
}

std::vector<ListEntry> list_containers(const Context& ctx)
{
    std::vector<ListEntry> out;
    std::mutex out_mutex;
    // Each container costs ~70 us, mostly system calls on different files (its record, the
    // init's /proc/PID/stat, its freezer) that do not contend: with many, one thread per core.
    unsigned threads = std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
    ctx.store.each_record(
        [&](state::Record&& rec) {
            try {
                state::Status status = Container::live_status(rec);
                // Not printed, and a parsed JSON tree per container.
                rec.cgroup = nullptr;
                std::lock_guard lock(out_mutex);
                out.push_back(ListEntry{std::move(rec), status});
            } catch (const Error&) {
                // Deleted while we listed (its cgroup gone between the record and the freezer).
            }
        },
        threads);
    std::sort(out.begin(), out.end(), [](const ListEntry& a, const ListEntry& b) { return a.record.id < b.record.id; });
    return out;
}

}  // namespace berth::runtime
