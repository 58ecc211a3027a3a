#!/usr/bin/env python3
"""A token server for docker-registry's token auth (distribution's "token" auth type), for the
berth-pull tests.

    token_server.py DIR USER:PASS

Makes an EC P-256 key and a self-signed certificate (DIR/token.crt: the registry's
rootcertbundle), then serves GET /token?service=S&scope=repository:NAME:ACTIONS on 127.0.0.1,
port written to DIR/token.port. Requests with Basic USER:PASS get every action they ask for;
anonymous ones get "pull" only on repositories under "public/", nothing elsewhere. Tokens are
ES256 JWTs with the certificate in "x5c", issuer "berth-token-server", audience S. Each request
is logged as a JSON line to DIR/token.log: {"scope", "auth"}.
"""
import base64
import datetime
import json
import os
import secrets
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID

ISSUER = "berth-token-server"
outdir, creds = sys.argv[1], sys.argv[2]
key = ec.generate_private_key(ec.SECP256R1())
name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "berth test token signer")])
now = datetime.datetime.now(datetime.timezone.utc)
cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256()))
with open(os.path.join(outdir, "token.crt"), "wb") as f:
    f.write(cert.public_bytes(serialization.Encoding.PEM))
x5c = base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_token(service, access):
    header = {"typ": "JWT", "alg": "ES256", "x5c": [x5c]}
    t = int(time.time())
    claims = {"iss": ISSUER, "sub": "tester", "aud": service, "exp": t + 300, "nbf": t - 10, "iat": t,
              "jti": secrets.token_hex(8), "access": access}
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    r, s = decode_dss_signature(key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
    return signing_input + "." + b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        q = urllib.parse.parse_qs(url.query)
        auth = self.headers.get("Authorization", "")
        with open(os.path.join(outdir, "token.log"), "a") as f:
            f.write(json.dumps({"scope": q.get("scope", []), "auth": auth}) + "\n")
        if url.path != "/token":
            return self.send(404, {"details": "not found"})
        authenticated = auth == "Basic " + base64.b64encode(creds.encode()).decode()
        if auth and not authenticated:
            return self.send(401, {"details": "invalid credentials"})
        access = []
        for scope in q.get("scope", []):
            kind, _, rest = scope.partition(":")
            repo, _, actions = rest.rpartition(":")
            wanted = actions.split(",")
            granted = wanted if authenticated else [a for a in wanted if a == "pull" and repo.startswith("public/")]
            access.append({"type": kind, "name": repo, "actions": granted})
        self.send(200, {"token": make_token(q.get("service", [""])[0], access), "expires_in": 300})


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(os.path.join(outdir, "token.port.tmp"), "w") as f:
    f.write(str(server.server_address[1]))
os.rename(os.path.join(outdir, "token.port.tmp"), os.path.join(outdir, "token.port"))
server.serve_forever()
