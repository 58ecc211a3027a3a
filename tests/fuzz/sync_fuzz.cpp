// libFuzzer target: what berth makes of one message on the handshake socket (sync.hpp). The peer
// is berth's own init, but until execve it runs in the container's namespaces: whatever bytes
// arrive, berth must end with a message, an EOF or an error, and a failure report must never be
// read past its buffer. Corpus: corpus/sync/.
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "berth/runtime/sync.hpp"
#include "berth/util/error.hpp"
#include "berth/util/fd.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size > 2 * sizeof(berth::runtime::SyncMsg)) return 0;  // one datagram, about one message
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) return 0;
    berth::Fd a(sv[0]), b(sv[1]);
    if (size > 0 && ::send(a.get(), data, size, 0) < 0) return 0;
    a.reset();  // then EOF
    for (int i = 0; i < 2; ++i) {
        berth::runtime::SyncMsg m;
        berth::Fd received;
        if (berth::runtime::sync_recv(b.get(), m, &received) <= 0) break;
        std::string name = berth::runtime::sync_type_name(m.type);
        if (m.type == berth::runtime::SyncType::error) name += berth::failure_error(m.failure).message();
    }
    return 0;
}
