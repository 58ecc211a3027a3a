#!/usr/bin/env python3
"""shim_update.py ADDRESS NAMESPACE ID RESOURCES_JSON

Sends one Update call to a containerd shim (containerd.task.v2.Task/Update over ttrpc),
the call containerd makes for the CRI's UpdateContainerResources. Debian 12's ctr (1.6)
has no `task update` and crictl is not packaged, so containerd.bats uses this to reach the
shim's update path: the runc v2 shim decodes the resources from the Any as JSON and runs
`<runtime> update --resources - ID` with them on stdin.

ADDRESS is the shim's socket as containerd records it in the bundle's `address` file
(unix:///run/containerd/s/...). Exits 1 with the shim's error message if it refuses.
Standard library only: ttrpc is a 10-byte header plus protobuf, encoded by hand here.
"""
import json
import socket
import struct
import sys

RESOURCES_TYPE = "types.containerd.io/opencontainers/runtime-spec/1/LinuxResources"
MESSAGE_REQUEST = 1


def varint(n):
    out = bytearray()
    while True:
        low = n & 0x7F
        n >>= 7
        if not n:
            out.append(low)
            return bytes(out)
        out.append(low | 0x80)


def field(number, data):
    """A length-delimited protobuf field (string, bytes or embedded message)."""
    if isinstance(data, str):
        data = data.encode()
    return varint(number << 3 | 2) + varint(len(data)) + data


def read_varint(buf, i):
    n = shift = 0
    while True:
        byte = buf[i]
        i += 1
        n |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return n, i


def decode(buf):
    """Protobuf fields by number (varint and length-delimited wire types only)."""
    fields, i = {}, 0
    while i < len(buf):
        key, i = read_varint(buf, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = read_varint(buf, i)
        elif wire == 2:
            size, i = read_varint(buf, i)
            value, i = buf[i:i + size], i + size
        else:
            raise ValueError(f"unexpected wire type {wire}")
        fields.setdefault(number, []).append(value)
    return fields


def recv_exactly(sock, size):
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            sys.exit("shim_update: the shim closed the connection")
        data += chunk
    return data


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__.strip().splitlines()[0])
    address, namespace, container_id, resources = sys.argv[1:]
    resources = json.dumps(json.loads(resources))
    # UpdateTaskRequest{id = 1, resources = 2 (google.protobuf.Any{type_url = 1, value = 2})}
    payload = field(1, container_id) + field(2, field(1, RESOURCES_TYPE) + field(2, resources))
    # ttrpc Request{service = 1, method = 2, payload = 3, metadata = 5 (KeyValue{key, value})}
    request = (field(1, "containerd.task.v2.Task") + field(2, "Update") + field(3, payload) +
               field(5, field(1, "containerd-namespace-ttrpc") + field(2, namespace)))
    path = address.removeprefix("unix://")
    if path.startswith("@"):
        path = "\0" + path[1:]
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(30)
        sock.connect(path)
        # Header: length, stream id (odd: client-initiated), message type, flags.
        sock.sendall(struct.pack(">IIBB", len(request), 1, MESSAGE_REQUEST, 0) + request)
        length, _, _, _ = struct.unpack(">IIBB", recv_exactly(sock, 10))
        response = decode(recv_exactly(sock, length))
    # Response{status = 1 (google.rpc.Status{code = 1, message = 2}), payload = 2}
    status = decode(response.get(1, [b""])[0])
    code = status.get(1, [0])[0]
    if code:
        message = status.get(2, [b""])[0].decode(errors="replace")
        print(f"shim_update: code {code}: {message}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
