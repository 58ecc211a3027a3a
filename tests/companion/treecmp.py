#!/usr/bin/env python3
"""Compares two unpacked root filesystems entry by entry.

    treecmp.py A B [--no-mtime]

Checks for every path: type, permission bits (setuid included), owner, group, contents
(regular files), link target (symlinks), device numbers, xattrs, hard-link grouping, and the
mtime of everything but directories (unless --no-mtime). Prints one line per difference and
exits 1 when there is any, 0 when the trees are the same.
"""
import hashlib
import os
import stat
import sys


def walk(root):
    out = {}
    inodes = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in sorted(dirnames) + sorted(filenames) + ([] if dirpath != root else [""]):
            p = os.path.join(dirpath, name) if name else root
            rel = os.path.relpath(p, root)
            st = os.lstat(p)
            e = {"type": stat.S_IFMT(st.st_mode), "mode": oct(stat.S_IMODE(st.st_mode)),
                 "uid": st.st_uid, "gid": st.st_gid}
            if stat.S_ISREG(st.st_mode):
                with open(p, "rb") as f:
                    e["sha256"] = hashlib.sha256(f.read()).hexdigest()
                if st.st_nlink > 1:
                    inodes.setdefault(st.st_ino, []).append(rel)
            if stat.S_ISLNK(st.st_mode):
                e["target"] = os.readlink(p)
                del e["mode"]
            if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
                e["rdev"] = (os.major(st.st_rdev), os.minor(st.st_rdev))
            if not stat.S_ISDIR(st.st_mode):
                e["mtime"] = int(st.st_mtime)
            if not stat.S_ISLNK(st.st_mode):
                try:
                    e["xattrs"] = {k: os.getxattr(p, k) for k in sorted(os.listxattr(p))}
                except OSError:
                    e["xattrs"] = "unreadable"
            out[rel] = e
    links = {tuple(sorted(v)) for v in inodes.values()}
    for group in links:
        for rel in group:
            out[rel]["links"] = group
    return out


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    no_mtime = "--no-mtime" in sys.argv
    a, b = walk(args[0]), walk(args[1])
    diffs = 0
    for rel in sorted(set(a) | set(b)):
        if rel not in a:
            print(f"only in {args[1]}: {rel}"); diffs += 1; continue
        if rel not in b:
            print(f"only in {args[0]}: {rel}"); diffs += 1; continue
        for k in sorted(set(a[rel]) | set(b[rel])):
            if no_mtime and k == "mtime":
                continue
            if a[rel].get(k) != b[rel].get(k):
                print(f"{rel}: {k}: {a[rel].get(k)!r} != {b[rel].get(k)!r}"); diffs += 1
    print(f"{len(a)} entries compared, {diffs} differences")
    sys.exit(1 if diffs else 0)


if __name__ == "__main__":
    main()
