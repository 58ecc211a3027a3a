#!/usr/bin/env bash
# make-busybox-bundle.sh DIR: a runtime bundle whose rootfs is Debian's busybox-static,
# with a `berth spec` config.json. Nothing is downloaded.
set -euo pipefail
dir=${1:?usage: make-busybox-bundle.sh DIR [BERTH]}
berth=${2:-berth}
mkdir -p "$dir/rootfs/bin" "$dir/rootfs/etc" "$dir/rootfs/proc" "$dir/rootfs/sys" "$dir/rootfs/dev" "$dir/rootfs/tmp" "$dir/rootfs/root"
cp /bin/busybox "$dir/rootfs/bin/busybox"
for applet in $(/bin/busybox --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$dir/rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n' > "$dir/rootfs/etc/passwd"
printf 'root:x:0:\nuser:x:1000:\n' > "$dir/rootfs/etc/group"
rm -f "$dir/config.json"
"$berth" spec --bundle "$dir"
