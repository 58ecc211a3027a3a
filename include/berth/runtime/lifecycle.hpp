// Operations on an existing container: start, state, kill, pause, resume, delete, ps, list.
// Each opens a Container handle (container.hpp): locked when it changes the container,
// read-only when it only looks.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "berth/runtime/launch.hpp"
#include "berth/state/record.hpp"

namespace berth::runtime {

void start_container(const Context& ctx, const std::string& id);
nlohmann::ordered_json container_state(const Context& ctx, const std::string& id);
// sig 0 sends nothing: it fails with "container not running" unless the init is alive.
void kill_container(const Context& ctx, const std::string& id, int sig, bool all);
// Freezes or thaws every process of a running container (its cgroup's freezer).
void pause_container(const Context& ctx, const std::string& id);
void resume_container(const Context& ctx, const std::string& id);
void delete_container(const Context& ctx, const std::string& id, bool force);

// Host pids of every process in the container's cgroup; none for a stopped container whose
// cgroup is empty.
std::vector<pid_t> container_pids(const Context& ctx, const std::string& id);

struct ListEntry {
    state::Record record;
    state::Status status;
};
std::vector<ListEntry> list_containers(const Context& ctx);

}  // namespace berth::runtime
