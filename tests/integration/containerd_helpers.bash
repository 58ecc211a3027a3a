#!/usr/bin/env bash
# Shared by containerd.bats and containerd_systemd.bats.

# build_image TAR — an OCI image archive of the busybox rootfs, one uncompressed layer.
build_image() {
	local out="$1" dir blobs layer cfg man
	dir="$(mktemp -d "$BATS_FILE_TMPDIR/img.XXXXXX")"
	blobs="$dir/blobs/sha256"
	mkdir -p "$blobs"
	tar -C "$(rootfs_template)" -cf "$dir/layer" .
	layer="$(sha256sum "$dir/layer" | cut -d' ' -f1)"
	mv "$dir/layer" "$blobs/$layer"
	printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["sh"],"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
		"$layer" >"$dir/cfg"
	cfg="$(sha256sum "$dir/cfg" | cut -d' ' -f1)"
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
		"$cfg" "$(stat -c %s "$dir/cfg")" "$layer" "$(stat -c %s "$blobs/$layer")" >"$dir/man"
	mv "$dir/cfg" "$blobs/$cfg"
	man="$(sha256sum "$dir/man" | cut -d' ' -f1)"
	printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":"localhost/berth-busybox:latest","org.opencontainers.image.ref.name":"latest"}}]}' \
		"$man" "$(stat -c %s "$dir/man")" >"$dir/index.json"
	mv "$dir/man" "$blobs/$man"
	echo '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci-layout"
	tar -C "$dir" -cf "$out" oci-layout index.json blobs
}

# ctd_start [PREFIX...] — containerd on $CTD_SOCK with its root and state in $CTD_DIR (no CRI,
# no TCP listener), started as `PREFIX containerd` (nothing, or nsenter into systemd's
# namespaces: it execs, so the pid in $CTD_DIR/containerd.pid is containerd's). Waits for the
# socket with `PREFIX ctr version`; returns 1 with the log's tail on stderr when it stays shut.
ctd_start() {
	cat >"$CTD_DIR/config.toml" <<-EOF
		version = 2
		root = "$CTD_DIR/root"
		state = "$CTD_DIR/state"
		disabled_plugins = ["io.containerd.grpc.v1.cri"]
		[grpc]
		  address = "$CTD_SOCK"
		[debug]
		  address = ""
		[metrics]
		  address = ""
	EOF
	"$@" containerd --config "$CTD_DIR/config.toml" >"$CTD_DIR/containerd.log" 2>&1 3>&- &
	echo $! >"$CTD_DIR/containerd.pid"
	local tries=50
	until "$@" ctr -a "$CTD_SOCK" version >/dev/null 2>&1; do
		((tries-- > 0)) || { echo "containerd did not start: $(tail -5 "$CTD_DIR/containerd.log")" >&2; return 1; }
		sleep 0.1
	done
}

# ctd_remove CTR ID... — each container's task killed and deleted, then the container,
# through CTR (a command that runs ctr with -a and -n where containerd runs); errors ignored.
ctd_remove() {
	local ctr="$1" c
	shift
	for c in "$@"; do
		"$ctr" task kill -s KILL "$c" >/dev/null 2>&1
		"$ctr" task delete -f "$c" >/dev/null 2>&1
		"$ctr" containers delete "$c" >/dev/null 2>&1
	done
	return 0
}

# ctd_stop CTR — every container of the namespace removed through CTR (ctd_remove), then
# containerd stopped by its pid.
ctd_stop() {
	local ctr="$1" pid
	[[ -n "${CTD_DIR:-}" && -f "$CTD_DIR/containerd.pid" ]] || return 0
	# shellcheck disable=SC2046 # one argument per id
	ctd_remove "$ctr" $("$ctr" containers ls -q 2>/dev/null)
	pid="$(cat "$CTD_DIR/containerd.pid")"
	kill "$pid" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -9 "$pid" 2>/dev/null || true
}
