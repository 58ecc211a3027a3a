#include "berth/runtime/mount_sources.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <map>
#include <utility>

#include "berth/linux/id_maps.hpp"
#include "berth/linux/syscalls.hpp"
#include "berth/runtime/sync.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"

namespace berth::runtime {

namespace {

void send_source(int sock, size_t index, int fd, const std::string& source, const Trace& trace)
{
    if (!sync_send(sock, SyncType::mount_source, static_cast<int32_t>(index), fd)) {
        int err = errno;
        SyncMsg msg;
        if (sync_recv(sock, msg) > 0 && msg.type == SyncType::error) throw failure_error(msg.failure);
        throw_errno(err, "send bind source " + source + " to container init");
    }
    trace([&] { return "handshake: sent mount_source " + std::to_string(index) + " (" + source + ")"; });
}

}  // namespace

void send_mount_sources(int sock, pid_t init, const ContainerPlan& cp, const Trace& trace)
{
    Fd root, container_userns;
    const bool host_root = ::geteuid() == 0;
    // One user namespace per distinct mapping, for all the mounts that share it.
    std::map<std::pair<std::string, std::string>, Fd> mapping_userns;
    for (size_t i = 0; i < cp.mounts.size(); ++i) {
        const auto& m = cp.mounts[i];
        if (m.kind != os::MountStep::Kind::bind) continue;
        if (m.source_is_mount) {
            int userns = -1;
            if (m.idmap_uid_map.empty()) {
                if (!container_userns)
                    container_userns = open_or_throw("/proc/" + std::to_string(init) + "/ns/user", O_RDONLY | O_CLOEXEC);
                userns = container_userns.get();
            } else {
                auto key = std::make_pair(m.idmap_uid_map, m.idmap_gid_map);
                auto it = mapping_userns.find(key);
                if (it == mapping_userns.end())
                    it = mapping_userns
                             .emplace(key, with_context("mount " + m.destination, [&] {
                                          return os::make_user_namespace(m.idmap_uid_map, m.idmap_gid_map);
                                      }))
                             .first;
                userns = it->second.get();
            }
            Failure f;
            Fd tree(os::prepare_idmapped_bind(m, userns, f));
            if (!tree) throw failure_error(f).context("mount " + m.destination);
            send_source(sock, i, tree.get(), m.source, trace);
            continue;
        }
        // A berth that is not root reaches no more than its init does (which maps this very
        // user); /proc/<init>/root may not even be open to it once newuidmap mapped ranges.
        if (!cp.in_user_namespace() || !host_root) continue;
        if (!root) root = open_or_throw("/proc/" + std::to_string(init) + "/root", O_PATH | O_DIRECTORY | O_CLOEXEC);
        Fd src(os::openat2(root.get(), m.source.c_str(), O_PATH | O_CLOEXEC, 0, RESOLVE_IN_ROOT));
        if (!src) continue;  // the init reports its own error for this path
        send_source(sock, i, src.get(), m.source, trace);
    }
}

}  // namespace berth::runtime
