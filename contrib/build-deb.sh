#!/usr/bin/env bash
# build-deb.sh OUTDIR — builds the berth Debian package from this source tree and leaves the
# .deb (and its .buildinfo, .changes and debug symbols package) in OUTDIR.
#
# The tree as it is (uncommitted changes too, build dirs left out) is copied to a temp dir,
# contrib/debian becomes its debian/, and `dpkg-buildpackage -us -uc -b` builds it there, so
# the source tree is never written to. Needs the build packages and `install-deps.sh deb`
# (debhelper, dpkg-dev, fakeroot); as root, those are installed when missing.
# DEB_BUILD_OPTIONS=nocheck skips the unit tests; parallel=N sets the build's jobs.
set -euo pipefail

out=${1:?usage: build-deb.sh OUTDIR}
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)

if ! command -v dh >/dev/null || ! command -v dpkg-buildpackage >/dev/null; then
  "$src/contrib/install-deps.sh" deb
fi

work=$(mktemp -d /tmp/berth-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT
tree="$work/berth"
mkdir "$tree"
# Everything but .git and build output (meson build dirs hold meson-private/): with the
# tracked dot-files kept, `git describe --dirty` below sees the tree as committed.
tar -C "$src" --exclude=./.git --exclude='./obj-*' --exclude='./debian' \
  --exclude-tag-all=meson-private -cf - . | tar -C "$tree" -xf -
ln -s contrib/debian "$tree/debian"

# meson stamps the commit with `git describe --dirty` in the source dir. The copy has no .git:
# point git at this tree's repository, with a copy of its index so that the real one is never
# refreshed, and --dirty compares the copy (what is built) with the commit.
if gitdir=$(git -C "$src" rev-parse --absolute-git-dir 2>/dev/null); then
  cp "$(git -C "$src" rev-parse --path-format=absolute --git-path index)" "$work/index"
  export GIT_DIR="$gitdir" GIT_WORK_TREE="$tree" GIT_INDEX_FILE="$work/index"
fi

# One job per CPU unless the caller chose (dh would otherwise build with one).
case " ${DEB_BUILD_OPTIONS:-} " in
  *" parallel="*) ;;
  *) DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:+$DEB_BUILD_OPTIONS }parallel=$(nproc)" ;;
esac
export DEB_BUILD_OPTIONS
(cd "$tree" && dpkg-buildpackage -us -uc -b)

shopt -s nullglob
built=("$work"/*.deb "$work"/*.ddeb "$work"/*.buildinfo "$work"/*.changes)
[ ${#built[@]} -gt 0 ] || { echo "build-deb: dpkg-buildpackage left no package" >&2; exit 1; }
mv "${built[@]}" "$out/"
ls -l "$out"/berth_*.deb
