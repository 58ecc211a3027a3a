#include "berth/runtime/lifecycle.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "berth/runtime/container.hpp"
#include "berth/state/files.hpp"
#include "berth/util/error.hpp"

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

}  // namespace

void start_container(const Context& ctx, const std::string& id)
{
    with_context("start " + id, [&] {
        auto c = Container::open(ctx, id);
        if (c.status() != state::Status::created) wrong_state("start", c.status());
        int fd = ::openat(c.dir().dirfd(), state::exec_fifo_file, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) {
            if (errno == ENXIO) throw Error("container init is not waiting to start (it exited)");
            throw_errno("open exec fifo");
        }
        Fd fifo(fd);
        if (::write(fifo.get(), "0", 1) != 1) throw_errno("write exec fifo");
        ctx.log.debug_lazy([&] { return "start " + id + ": init " + std::to_string(c.record().pid) + " released to exec"; });
        ::unlinkat(c.dir().dirfd(), state::exec_fifo_file, 0);
        c.save_status(state::Status::running);
    });
}

nlohmann::ordered_json container_state(const Context& ctx, const std::string& id)
{
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
        // Like runc, forcing the delete of a container that is already gone succeeds.
        if (force && !ctx.store.exists(id)) return;
        auto c = Container::open(ctx, id);
        // No record: a create that died before writing it; nothing runs from it.
        if (!c.has_record() && !force) throw Error("container \"" + id + "\" is being created");
        auto st = c.status();
        if ((st == state::Status::running || st == state::Status::paused) && !force)
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
    for (const auto& id : ctx.store.list()) {
        try {
            auto c = Container::inspect(ctx, id);
            out.push_back({c.record(), c.status()});
        } catch (const Error&) {
            // Deleted while we listed: not an error for `list`.
        }
    }
    return out;
}

}  // namespace berth::runtime
