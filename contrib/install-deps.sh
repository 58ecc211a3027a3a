#!/usr/bin/env bash
# Installs what berth needs to build, test, benchmark and package on Debian 12, with apt-get only.
# Idempotent: packages already present are not touched, and apt is not even asked then.
set -euo pipefail

build_pkgs=(meson ninja-build g++ pkg-config nlohmann-json3-dev libcap-dev libseccomp-dev libselinux1-dev libcli11-dev catch2
  libcurl4-openssl-dev libssl-dev libarchive-dev libsystemd-dev)
test_pkgs=(bats jq busybox-static iproute2 procps libcap2-bin containerd podman conmon
  skopeo umoci docker-registry apache2-utils zstd strace uidmap slirp4netns man-db groff-base catatonit python3)
bench_pkgs=(runc crun)
# contrib/build-deb.sh: dpkg-buildpackage (dpkg-dev) and dh (debhelper); no devscripts needed.
deb_pkgs=(debhelper dpkg-dev fakeroot)

want=("${build_pkgs[@]}")
case "${1:-build}" in
  build) ;;
  test) want+=("${test_pkgs[@]}") ;;
  all) want+=("${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
  deb) want+=("${deb_pkgs[@]}") ;;
  *) echo "usage: $0 [build|test|all|deb]" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}; run this script as root" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Packages with services (containerd) must not start them: the tests start their own
# private daemons in temp dirs. policy-rc.d answering 101 tells invoke-rc.d "not now".
policy=/usr/sbin/policy-rc.d
made_policy=
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy"
  chmod 755 "$policy"
  made_policy=1
fi
trap '[ -n "$made_policy" ] && rm -f "$policy"' EXIT
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
