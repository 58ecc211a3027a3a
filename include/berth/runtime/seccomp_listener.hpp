// linux.seccomp.listenerPath: the agent that answers SCMP_ACT_NOTIFY calls gets the notify fd
// of a new container from berth, with the container process state (runtime-spec runtime.md,
// config-linux.md "seccomp"): one message on a connection to the unix socket at listenerPath,
// the JSON as data and the fd as SCM_RIGHTS.
#pragma once
#include <sys/types.h>

#include <map>
#include <string>

namespace berth::runtime {

struct ContainerProcessState {
    std::string id;
    pid_t pid = 0;  // the container process, as berth sees it
    std::string bundle;
    std::map<std::string, std::string> annotations;
    std::string metadata;  // listenerMetadata
    std::string status = "creating";  // the container's: "running" (or "created") for an exec
};

// {"ociVersion", "fds": ["seccompFd"], "pid", "metadata", "state": {"ociVersion", "id",
// "status": "creating", "pid", "bundle", "annotations"}}
std::string container_process_state_json(const ContainerProcessState& s);

// Connects to the unix socket at `path` and sends `state_json` with `fd`. Throws Error.
void send_to_seccomp_listener(const std::string& path, const std::string& state_json, int fd);

}  // namespace berth::runtime
