#!/usr/bin/env python3
"""A small read-only registry for the berth-pull tests of what docker-registry cannot show:
bearer-token auth with its token server, blobs redirected to another origin, failures.

    fake_registry.py LAYOUT PORTFILE LOGFILE [--user U:P] [--expires-in S] [--fail N] [--drop]

Serves the OCI layout LAYOUT's tags and blobs under any repository name. Writes
"REGISTRY_PORT STORAGE_PORT" to PORTFILE once listening. Every request is logged as a JSON line
to LOGFILE: {"server", "path", "auth", "range"}.
  /v2/...           401 with a Bearer challenge unless the request has a token it issued
  /token            issues tokens ({"token", "expires_in"}); with --user it wants Basic U:P
  blobs             307 to the storage server (another port: another origin), which serves
                    them with Range support
  --fail N          the first N blob requests at the storage get 503
  --drop            the first full blob download is cut off half way (connection closed)
  --no-range        Range headers are ignored (the whole blob, 200)
  --wrong-digest    manifests come with a Docker-Content-Digest that is not theirs
"""
import base64
import json
import os
import secrets
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

layout, portfile, logfile = sys.argv[1:4]
opts = sys.argv[4:]
user = opts[opts.index("--user") + 1] if "--user" in opts else None
expires_in = int(opts[opts.index("--expires-in") + 1]) if "--expires-in" in opts else 300
state = {"fail": int(opts[opts.index("--fail") + 1]) if "--fail" in opts else 0, "drop": "--drop" in opts}
tokens = set()
lock = threading.Lock()
ports = {}


def log(server, handler):
    with lock, open(logfile, "a") as f:
        f.write(json.dumps({"server": server, "path": handler.path, "auth": handler.headers.get("Authorization", ""),
                            "range": handler.headers.get("Range", "")}) + "\n")


def blob_path(digest):
    alg, _, hexpart = digest.partition(":")
    return os.path.join(layout, "blobs", alg, hexpart)


def find_manifest(ref):
    index = json.load(open(os.path.join(layout, "index.json")))
    if ":" in ref:
        return ref, next((d["mediaType"] for d in index["manifests"] if d["digest"] == ref), None)
    for d in index["manifests"]:
        if d.get("annotations", {}).get("org.opencontainers.image.ref.name") == ref:
            return d["digest"], d["mediaType"]
    return None, None


class Quiet(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Registry(Quiet):
    def do_GET(self):
        log("registry", self)
        host = "127.0.0.1:%d" % ports["registry"]
        if self.path.startswith("/token"):
            return self.token()
        auth = self.headers.get("Authorization", "")
        if not (auth.startswith("Bearer ") and auth[7:] in tokens):
            challenge = 'Bearer realm="http://%s/token",service="fake-registry"' % host
            parts = self.path.split("/")
            if len(parts) > 4:
                challenge += ',scope="repository:%s:pull"' % "/".join(parts[2:-2])
            body = json.dumps({"errors": [{"code": "UNAUTHORIZED", "message": "authentication required"}]}).encode()
            return self.send(401, body, [("WWW-Authenticate", challenge), ("Content-Type", "application/json")])
        if self.path == "/v2/":
            return self.send(200, b"{}")
        parts = self.path.split("/")
        kind, ref = parts[-2], parts[-1]
        if kind == "manifests":
            digest, media_type = find_manifest(ref)
            if not digest:
                return self.send(404, b'{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}')
            body = open(blob_path(digest), "rb").read()
            if "--wrong-digest" in opts:
                digest = "sha256:" + "0" * 64
            return self.send(200, body, [("Content-Type", media_type), ("Docker-Content-Digest", digest)])
        if kind == "blobs":
            location = "http://127.0.0.1:%d/storage/%s?signature=x" % (ports["storage"], ref)
            return self.send(307, b"", [("Location", location)])
        self.send(404)

    def token(self):
        if user:
            want = "Basic " + base64.b64encode(user.encode()).decode()
            if self.headers.get("Authorization") != want:
                return self.send(401, b'{"details":"wrong or missing credentials"}', [("Content-Type", "application/json")])
        t = secrets.token_hex(16)
        tokens.add(t)
        self.send(200, json.dumps({"token": t, "expires_in": expires_in}).encode(), [("Content-Type", "application/json")])


class Storage(Quiet):
    def do_GET(self):
        log("storage", self)
        with lock:
            fail = state["fail"] > 0
            if fail:
                state["fail"] -= 1
        if fail:
            return self.send(503, b"try later", [("Retry-After", "0")])
        digest = self.path.split("/")[-1].split("?")[0]
        data = open(blob_path(digest), "rb").read()
        start = 0
        rng = self.headers.get("Range", "")
        if rng.startswith("bytes=") and rng.endswith("-") and "--no-range" not in opts:
            start = int(rng[6:-1])
        if start:
            self.send_response(206)
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, len(data) - 1, len(data)))
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(data) - start))
        self.end_headers()
        with lock:
            drop = state["drop"] and start == 0 and len(data) > 1000
            if drop:
                state["drop"] = False
        if drop:
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)
            return
        self.wfile.write(data[start:])


registry = ThreadingHTTPServer(("127.0.0.1", 0), Registry)
storage = ThreadingHTTPServer(("127.0.0.1", 0), Storage)
ports["registry"] = registry.server_address[1]
ports["storage"] = storage.server_address[1]
threading.Thread(target=storage.serve_forever, daemon=True).start()
with open(portfile + ".tmp", "w") as f:
    f.write("%d %d\n" % (ports["registry"], ports["storage"]))
os.rename(portfile + ".tmp", portfile)
registry.serve_forever()
