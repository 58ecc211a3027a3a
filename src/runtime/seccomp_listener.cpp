#include "berth/runtime/seccomp_listener.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "berth/spec/version.hpp"
#include "berth/util/error.hpp"
#include "berth/util/fd_passing.hpp"
#include "berth/util/fd.hpp"

namespace berth::runtime {

std::string container_process_state_json(const ContainerProcessState& s)
{
    nlohmann::ordered_json state;
    state["ociVersion"] = spec::oci_version;
    state["id"] = s.id;
    state["status"] = s.status;
    state["pid"] = s.pid;
    state["bundle"] = s.bundle;
    if (!s.annotations.empty()) state["annotations"] = s.annotations;
    nlohmann::ordered_json j;
    j["ociVersion"] = spec::oci_version;
    j["fds"] = {"seccompFd"};
    j["pid"] = s.pid;
    if (!s.metadata.empty()) j["metadata"] = s.metadata;
    j["state"] = std::move(state);
    return j.dump();
}

void send_to_seccomp_listener(const std::string& path, const std::string& state_json, int fd)
{
    std::string where = "seccomp listener " + path;
    struct sockaddr_un addr {};
    addr.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof addr.sun_path) throw Error(where + ": socket path too long");
    std::memcpy(addr.sun_path, path.data(), path.size());
    Fd sock(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!sock) throw_errno(where + ": socket");
    int r;
    do {
        r = ::connect(sock.get(), reinterpret_cast<const struct sockaddr*>(&addr), sizeof addr);
    } while (r < 0 && errno == EINTR);
    if (r < 0) throw_errno(where + ": connect");

    size_t done = 0;
    bool fd_sent = false;
    while (done < state_json.size()) {
        // The fd goes with the first bytes.
        ssize_t n = send_with_fd(sock.get(), state_json.data() + done, state_json.size() - done, fd_sent ? -1 : fd);
        if (n <= 0) throw_errno(where + ": send the container process state");
        fd_sent = true;
        done += static_cast<size_t>(n);
    }
}

}  // namespace berth::runtime
