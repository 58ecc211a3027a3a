#!/usr/bin/env python3
"""Builds OCI image layouts for the companion-tool tests, from busybox-static and nothing else.

    mkimage.py SPEC.json     (or - for stdin)

SPEC is one image or a multi-platform index:
  {"layout": DIR, "tag": T, "image": IMAGE}
  {"layout": DIR, "tag": T, "index": [IMAGE, ...]}
IMAGE:
  {"platform": "linux/amd64[/variant]",            default linux/amd64
   "config": {...},                                 the image config's "config" object
   "media": "oci" | "docker",                       docker: schema2 media types
   "layers": [LAYER, ...]}
LAYER:
  {"compression": "gzip" | "zstd" | "none",          default gzip
   "wrong_diff_id": true,                           records a diff_id that does not match
   "entries": [ENTRY, ...]}
ENTRY (path relative to the rootfs; mode an int or an octal string):
  {"busybox": true}                                 bin/busybox, applet links, /etc/passwd, /etc/group
  {"path": P, "type": "file", "text": S | "from": HOSTFILE | "size": N (random bytes)}
  {"path": P, "type": "dir" | "fifo"}
  {"path": P, "type": "symlink" | "hardlink", "target": T}
  {"path": P, "type": "char" | "block", "major": M, "minor": m}
  common: "mode", "uid", "gid", "uname", "gname", "mtime", "xattrs": {"user.k": "v"}
Tar names are written exactly as given, so hostile layers ("../x", "/abs") are possible.

Prints the digest of the manifest (or index) the tag points at. Blobs and index.json are
written as skopeo and umoci write them, so both read the result.
"""
import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile

APPLETS = ["sh", "ls", "cat", "echo", "id", "stat", "true", "false", "env", "pwd", "readlink",
           "touch", "mkdir", "rm", "test", "sleep", "find", "wc", "head", "grep", "printf"]
PASSWD = "root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\n" \
         "app:x:1000:1000:app:/home/app:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n"
GROUP = "root:x:0:\ndaemon:x:1:\nwheel:x:10:app\napp:x:1000:\nstaff:x:50:app\nnogroup:x:65534:\n"

OCI = {
    "manifest": "application/vnd.oci.image.manifest.v1+json",
    "index": "application/vnd.oci.image.index.v1+json",
    "config": "application/vnd.oci.image.config.v1+json",
    "none": "application/vnd.oci.image.layer.v1.tar",
    "gzip": "application/vnd.oci.image.layer.v1.tar+gzip",
    "zstd": "application/vnd.oci.image.layer.v1.tar+zstd",
}
DOCKER = {
    "manifest": "application/vnd.docker.distribution.manifest.v2+json",
    "index": "application/vnd.docker.distribution.manifest.list.v2+json",
    "config": "application/vnd.docker.container.image.v1+json",
    "gzip": "application/vnd.docker.image.rootfs.diff.tar.gzip",
}
FIXED_MTIME = 1700000000


def mode_of(e, default):
    m = e.get("mode", default)
    return int(m, 8) if isinstance(m, str) else m


def tar_entries(e):
    """Yields (TarInfo, bytes or None) for one ENTRY."""
    if e.get("busybox"):
        yield from tar_entries({"path": "bin", "type": "dir", "mode": 0o755})
        yield from tar_entries({"path": "etc", "type": "dir", "mode": 0o755})
        yield from tar_entries({"path": "bin/busybox", "type": "file", "from": "/bin/busybox", "mode": 0o755})
        for a in APPLETS:
            yield from tar_entries({"path": "bin/" + a, "type": "symlink", "target": "busybox"})
        yield from tar_entries({"path": "etc/passwd", "type": "file", "text": PASSWD, "mode": 0o644})
        yield from tar_entries({"path": "etc/group", "type": "file", "text": GROUP, "mode": 0o644})
        return
    t = e.get("type", "file")
    ti = tarfile.TarInfo(e["path"])
    ti.uid, ti.gid = e.get("uid", 0), e.get("gid", 0)
    ti.uname, ti.gname = e.get("uname", ""), e.get("gname", "")
    ti.mtime = e.get("mtime", FIXED_MTIME)
    if e.get("xattrs"):
        ti.pax_headers = {"SCHILY.xattr." + k: v for k, v in e["xattrs"].items()}
    data = None
    if t == "file":
        ti.type = tarfile.REGTYPE
        ti.mode = mode_of(e, 0o644)
        if "text" in e:
            data = e["text"].encode()
        elif "from" in e:
            with open(e["from"], "rb") as f:
                data = f.read()
        else:
            data = os.urandom(e.get("size", 0))
        ti.size = len(data)
    elif t == "dir":
        ti.type, ti.mode = tarfile.DIRTYPE, mode_of(e, 0o755)
    elif t == "symlink":
        ti.type, ti.linkname, ti.mode = tarfile.SYMTYPE, e["target"], 0o777
    elif t == "hardlink":
        ti.type, ti.linkname, ti.mode = tarfile.LNKTYPE, e["target"], mode_of(e, 0o644)
    elif t in ("char", "block"):
        ti.type = tarfile.CHRTYPE if t == "char" else tarfile.BLKTYPE
        ti.devmajor, ti.devminor, ti.mode = e["major"], e["minor"], mode_of(e, 0o666)
    elif t == "fifo":
        ti.type, ti.mode = tarfile.FIFOTYPE, mode_of(e, 0o644)
    else:
        raise SystemExit(f"mkimage: unknown entry type {t!r}")
    yield ti, data


def layer_tar(layer):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for e in layer.get("entries", []):
            for ti, data in tar_entries(e):
                tf.addfile(ti, io.BytesIO(data) if data is not None else None)
    return buf.getvalue()


def compress(raw, how):
    if how == "none":
        return raw
    if how == "gzip":
        return gzip.compress(raw, compresslevel=6, mtime=0)
    if how == "zstd":
        return subprocess.run(["zstd", "-q", "-c", "-3"], input=raw, stdout=subprocess.PIPE, check=True).stdout
    raise SystemExit(f"mkimage: unknown compression {how!r}")


class Layout:
    def __init__(self, root):
        self.root = root
        os.makedirs(os.path.join(root, "blobs", "sha256"), exist_ok=True)
        with open(os.path.join(root, "oci-layout"), "w") as f:
            json.dump({"imageLayoutVersion": "1.0.0"}, f)

    def put(self, data, media):
        if isinstance(data, (dict, list)):
            data = json.dumps(data, separators=(",", ":")).encode()
        d = "sha256:" + hashlib.sha256(data).hexdigest()
        with open(os.path.join(self.root, "blobs", "sha256", d[7:]), "wb") as f:
            f.write(data)
        return {"mediaType": media, "digest": d, "size": len(data)}

    def tag(self, desc, tag):
        path = os.path.join(self.root, "index.json")
        index = {"schemaVersion": 2, "manifests": []}
        if os.path.exists(path):
            with open(path) as f:
                index = json.load(f)
        keep = [m for m in index["manifests"]
                if m.get("annotations", {}).get("org.opencontainers.image.ref.name") != tag]
        entry = dict(desc)
        entry["annotations"] = {"org.opencontainers.image.ref.name": tag}
        index["manifests"] = keep + [entry]
        with open(path, "w") as f:
            json.dump(index, f)


def split_platform(p):
    parts = p.split("/")
    plat = {"architecture": parts[1], "os": parts[0]}
    if len(parts) > 2:
        plat["variant"] = parts[2]
    return plat


def build_image(lay, img):
    mt = DOCKER if img.get("media") == "docker" else OCI
    plat = split_platform(img.get("platform", "linux/amd64"))
    layers, diff_ids = [], []
    for layer in img.get("layers", []):
        raw = layer_tar(layer)
        diff = "sha256:" + hashlib.sha256(raw).hexdigest()
        if layer.get("wrong_diff_id"):
            diff = "sha256:" + hashlib.sha256(raw + b"x").hexdigest()
        diff_ids.append(diff)
        how = layer.get("compression", "gzip")
        layers.append(lay.put(compress(raw, how), mt[how]))
    config = {"created": "2023-11-14T22:13:20Z", "architecture": plat["architecture"], "os": plat["os"],
              "config": img.get("config", {}), "rootfs": {"type": "layers", "diff_ids": diff_ids},
              "history": [{"created": "2023-11-14T22:13:20Z", "created_by": "mkimage.py layer %d" % i}
                          for i in range(len(diff_ids))]}
    if "variant" in plat:
        config["variant"] = plat["variant"]
    manifest = {"schemaVersion": 2, "mediaType": mt["manifest"],
                "config": lay.put(config, mt["config"]), "layers": layers}
    desc = lay.put(manifest, mt["manifest"])
    return desc, plat, mt


def main():
    spec = json.load(sys.stdin if sys.argv[1:] == ["-"] else open(sys.argv[1]))
    lay = Layout(spec["layout"])
    if "index" in spec:
        manifests, mt = [], OCI
        for img in spec["index"]:
            desc, plat, mt = build_image(lay, img)
            manifests.append(dict(desc, platform=plat))
        index = {"schemaVersion": 2, "mediaType": mt["index"], "manifests": manifests}
        top = lay.put(index, mt["index"])
    else:
        top, _, _ = build_image(lay, spec["image"])
    lay.tag(top, spec["tag"])
    print(top["digest"])


if __name__ == "__main__":
    main()
