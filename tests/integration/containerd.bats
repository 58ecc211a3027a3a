#!/usr/bin/env bats
# containerd drives the runtime the way it drives runc: `ctr run --runc-binary` through
# containerd's runc v2 shim (create with --log/--log-format json/--pid-file, start, state,
# pause, resume, kill, delete). A private containerd runs in a temp dir (unix socket only,
# no CRI, no TCP listener) and is stopped by pid; the image is built here from busybox.

load helpers

setup_file() {
	require_root
	if ! command -v containerd >/dev/null || ! command -v ctr >/dev/null; then
		skip "containerd is not installed"
	fi
	export CTD_DIR="$BATS_FILE_TMPDIR/ctd"
	export CTD_NS="berth-ctd-$$"
	export CTD_SOCK="$CTD_DIR/containerd.sock"
	mkdir -p "$CTD_DIR"
	[[ -d /run/containerd ]] && touch "$CTD_DIR/had-run-containerd"
	build_image "$CTD_DIR/image.tar"
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
	containerd --config "$CTD_DIR/config.toml" >"$CTD_DIR/containerd.log" 2>&1 3>&- &
	echo $! >"$CTD_DIR/containerd.pid"
	local tries=50
	until ctr -a "$CTD_SOCK" version >/dev/null 2>&1; do
		((tries-- > 0)) || fail "containerd did not start: $(tail -5 "$CTD_DIR/containerd.log")"
		sleep 0.1
	done
	ctr -a "$CTD_SOCK" -n "$CTD_NS" images import "$CTD_DIR/image.tar" >/dev/null
}

teardown_file() {
	[[ -n "${CTD_DIR:-}" && -f "$CTD_DIR/containerd.pid" ]] || return 0
	local c pid
	for c in $(ctr -a "$CTD_SOCK" -n "$CTD_NS" containers ls -q 2>/dev/null); do
		ctr -a "$CTD_SOCK" -n "$CTD_NS" task kill -s KILL "$c" >/dev/null 2>&1
		ctr -a "$CTD_SOCK" -n "$CTD_NS" task delete -f "$c" >/dev/null 2>&1
		ctr -a "$CTD_SOCK" -n "$CTD_NS" containers delete "$c" >/dev/null 2>&1
	done
	ctr -a "$CTD_SOCK" -n "$CTD_NS" images rm localhost/berth-busybox:latest >/dev/null 2>&1
	pid="$(cat "$CTD_DIR/containerd.pid")"
	kill "$pid" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -9 "$pid" 2>/dev/null || true
	for c in $(mounts_under "$CTD_DIR" | sort -r); do umount -l "$c"; done
	# The shim's runtime root and the cgroup parent containerd named after the namespace.
	rm -rf "/run/containerd/runc/$CTD_NS"
	rmdir /sys/fs/cgroup/"$CTD_NS" /sys/fs/cgroup/*/"$CTD_NS" 2>/dev/null || true
	if [[ ! -f "$CTD_DIR/had-run-containerd" ]]; then rm -rf /run/containerd; fi
	common_teardown_file
}

setup() { require_root; }
teardown() { :; }

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

ctr_() { timeout 60 ctr -a "$CTD_SOCK" -n "$CTD_NS" "$@"; }

# task_status ID — RUNNING, PAUSED, STOPPED, ... from `ctr task ls`.
task_status() { ctr_ task ls | awk -v id="$1" '$1 == id {print $3}'; }

@test "containerd: ctr run in the foreground through the runtime" {
	local id="run-$$"
	run --separate-stderr ctr_ run --rm --runc-binary "$RUNTIME" localhost/berth-busybox:latest "$id" \
		sh -c 'echo "pid=$$"; cat /proc/self/cgroup; cat /proc/self/status'
	[ "$status" -eq 0 ]
	[[ "$output" == *"pid=1"* ]]
	# containerd's cgroupsPath /<namespace>/<id> is where the container's processes are.
	grep -Eq "^[0-9]+:pids:/$CTD_NS/$id\$" <<<"$output" || grep -Eq "^0::/$CTD_NS/$id\$" <<<"$output"
	grep -q "^CapInh:	0000000000000000" <<<"$output"
	# The shim kept nothing of the container in the runtime's state root (berth's cache of
	# compiled seccomp filters, "~seccomp", is no container's).
	[ -z "$(ls -A "/run/containerd/runc/$CTD_NS" 2>/dev/null | grep -vx "~seccomp")" ]
}

@test "containerd: ctr run --seccomp: containerd's default profile is in force" {
	# containerd's own default profile (generated by ctr, not a file of ours): one filter,
	# a shell works, and a call the profile refuses (unshare of a user namespace without
	# CAP_SYS_ADMIN is allowed only with it) fails with EPERM.
	run --separate-stderr ctr_ run --rm --seccomp --runc-binary "$RUNTIME" localhost/berth-busybox:latest "sec-$$" \
		sh -c 'grep -E "^Seccomp(_filters)?:" /proc/self/status; unshare -U true && echo unshare-ok || echo unshare-refused'
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	grep -q "^Seccomp:	2" <<<"$output" || fail "$output"
	grep -q "^Seccomp_filters:	1" <<<"$output" || fail "$output"
	grep -q "unshare-refused" <<<"$output" || fail "$output"
}

@test "containerd: the container's exit status reaches ctr" {
	run ctr_ run --rm --runc-binary "$RUNTIME" localhost/berth-busybox:latest "exit-$$" sh -c 'exit 3'
	[ "$status" -eq 3 ]
}

@test "containerd: detached task: ls, pause, resume, kill, delete" {
	local id="task-$$" pid
	ctr_ run -d --runc-binary "$RUNTIME" localhost/berth-busybox:latest "$id" sleep 1000 >/dev/null 2>&1
	[ "$(task_status "$id")" = RUNNING ]
	pid="$(ctr_ task ls | awk -v id="$id" '$1 == id {print $2}')"
	[[ "$(cmdline_of "$pid")" == "sleep 1000 " ]]
	# The shim asked the runtime for the state and got this pid.
	[ "$("$RUNTIME" --root "/run/containerd/runc/$CTD_NS" state "$id" | jq -r .pid)" = "$pid" ]
	ctr_ task pause "$id"
	[ "$(task_status "$id")" = PAUSED ]
	[[ "$(awk '/^State:/ {print $2}' "/proc/$pid/status")" == [DT] ]]
	ctr_ task resume "$id"
	[ "$(task_status "$id")" = RUNNING ]
	ctr_ task kill -s KILL "$id"
	for _ in $(seq 30); do [ "$(task_status "$id")" = STOPPED ] && break; sleep 0.1; done
	[ "$(task_status "$id")" = STOPPED ]
	ctr_ task delete "$id"
	ctr_ containers delete "$id"
	[ -z "$(ls -A "/run/containerd/runc/$CTD_NS" 2>/dev/null | grep -vx "~seccomp")" ]
	process_gone "$pid"
}

# The shim reads the metrics from the container's cgroup (found from the init pid the
# runtime reported), not from `events`: the limit berth wrote and the processes it placed.
@test "containerd: ctr task metrics shows the container's memory limit and pids" {
	local id="metrics-$$" out tries=30
	ctr_ run -d --memory-limit 50331648 --runc-binary "$RUNTIME" localhost/berth-busybox:latest "$id" \
		sh -c 'sleep 1000 & sleep 1000 & wait' >/dev/null 2>&1
	# sh and its two sleeps, once sh has forked them.
	while out="$(ctr_ task metrics --format json "$id")"; do
		[ "$(jq -r .pids.current <<<"$out" 2>/dev/null)" = 3 ] || ((--tries == 0)) || { sleep 0.1; continue; }
		break
	done
	ctr_ task kill -s KILL "$id"
	for _ in $(seq 30); do [ "$(task_status "$id")" = STOPPED ] && break; sleep 0.1; done
	ctr_ task delete "$id"
	ctr_ containers delete "$id"
	echo "$out"
	[ "$(jq -r .pids.current <<<"$out")" = 3 ]
	[ "$(jq -r .memory.usage.limit <<<"$out")" = 50331648 ]
}

# ctr -t: the shim hands the runtime a --console-socket and proxies the master to ctr, which
# proxies its own terminal: script(1) provides that one.
@test "containerd: ctr run -t: a shell on the container's terminal, its size and exit status" {
	command -v script >/dev/null || skip "needs script(1) (bsdutils)"
	local id="tty-$$" cmd
	printf -v cmd 'stty rows 40 cols 100; timeout --foreground 60 ctr -a %q -n %q run -t --rm --runc-binary %q localhost/berth-busybox:latest %q sh; echo "rc=$?"' \
		"$CTD_SOCK" "$CTD_NS" "$RUNTIME" "$id"
	run script -qec "$cmd" /dev/null <<<'echo $((6*7)); sleep 1; stty size; tty; exit 3'  # sleep: the engine resizes the pty after start
	local seen
	seen="$(tr -d '\r' <<<"$output")"
	grep -qx 42 <<<"$seen" || fail "output: $output"
	grep -qx '40 100' <<<"$seen" || fail "output: $output"
	grep -qx /dev/pts/0 <<<"$seen" || fail "output: $output"
	grep -qx rc=3 <<<"$seen" || fail "output: $output"
}

@test "containerd: ctr task exec, with and without -t" {
	local id="exec-$$" cmd
	ctr_ run -d --runc-binary "$RUNTIME" localhost/berth-busybox:latest "$id" sleep 1000 >/dev/null 2>&1
	[ "$(task_status "$id")" = RUNNING ]
	# The shim: exec --detach --process FILE --pid-file P ID, then waits for the process itself.
	run --separate-stderr ctr_ task exec --exec-id e1 "$id" sh -c 'echo "pid=$$ $(cat /proc/1/cmdline | tr "\0" " ")"; exit 4'
	[ "$status" -eq 4 ] || fail "status $status: $stderr"
	[[ "$output" == "pid="*"sleep 1000 " ]] || fail "output: $output"
	if command -v script >/dev/null; then
		printf -v cmd 'stty rows 30 cols 90; timeout --foreground 60 ctr -a %q -n %q task exec -t --exec-id e2 %q sh; echo "rc=$?"' \
			"$CTD_SOCK" "$CTD_NS" "$id"
		run script -qec "$cmd" /dev/null <<<'echo $((6*7)); sleep 1; stty size; tty; exit 3'  # sleep: the engine resizes the pty after start
		local seen
		seen="$(tr -d '\r' <<<"$output")"
		grep -qx 42 <<<"$seen" || fail "output: $output"
		grep -qx '30 90' <<<"$seen" || fail "output: $output"
		grep -qx '/dev/pts/[0-9]*' <<<"$seen" || fail "output: $output"
		grep -qx rc=3 <<<"$seen" || fail "output: $output"
	fi
	ctr_ task kill -s KILL "$id"
	for _ in $(seq 30); do [ "$(task_status "$id")" = STOPPED ] && break; sleep 0.1; done
	ctr_ task delete "$id"
	ctr_ containers delete "$id"
}

@test "containerd: a runtime error reaches ctr through the JSON log" {
	run --separate-stderr ctr_ run --rm --runc-binary "$RUNTIME" localhost/berth-busybox:latest "err-$$" /no/such/binary
	[ "$status" -ne 0 ]
	[[ "${stderr,,}" == *"no such file or directory"* ]]
	ctr_ containers delete "err-$$" >/dev/null 2>&1 || true
}
