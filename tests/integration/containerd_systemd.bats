#!/usr/bin/env bats
# A pod as the kubelet makes it with the systemd cgroup driver: containerd's runc v2 shim calls
# the runtime with --systemd-cgroup and cgroupsPath in systemd's form
# (kubepods-besteffort-pod<uid>.slice:cri-containerd:<id>). containerd, its shim, ctr and the
# runtime all run in the namespaces of a systemd booted for the test (systemd_helpers.bash: a
# pure cgroup v2 systemd, also on this hybrid host), containerd on a unix socket in a temp dir.
# The cgroupfs form of the same pod, with more of the kubelet's calls, is in containerd.bats.

load helpers
load systemd_helpers
load containerd_helpers

setup_file() {
	sd_can_boot || return 0
	if ! command -v containerd >/dev/null || ! command -v ctr >/dev/null ||
		! command -v containerd-shim-runc-v2 >/dev/null; then
		return 0
	fi
	export CTD_DIR="$BATS_FILE_TMPDIR/ctd"
	export CTD_NS="berth-ctdsd-$$"
	export CTD_SOCK="$CTD_DIR/containerd.sock"
	mkdir -p "$CTD_DIR"
	sd_boot "$BATS_FILE_TMPDIR/sd" unified "$(dirname "$RUNTIME")" "$BATS_RUN_TMPDIR" 2>"$BATS_FILE_TMPDIR/sd-why" ||
		{ sd_shutdown; return 0; }
	build_image "$CTD_DIR/image.tar"
	# In systemd's namespaces (ctd_start: nsenter execs containerd, which stops by pid).
	ctd_start nsenter -t "$SD_PID" -m -p -C -- 2>"$BATS_FILE_TMPDIR/ctd-why" || return 0
	sd_in ctr -a "$CTD_SOCK" -n "$CTD_NS" images import "$CTD_DIR/image.tar" >/dev/null
	touch "$CTD_DIR/ready"
}

teardown_file() {
	ctd_stop sctr
	# systemd's pid namespace takes the shims along; its mount namespace the snapshots.
	sd_shutdown
	common_teardown_file
}

# After a failure: the pod's tasks and containers, and its slice.
teardown() {
	ctd_remove sctr "${POD_CTRS[@]}"
	[[ -z "${SD_PID:-}" ]] || sd_in systemctl stop kubepods.slice >/dev/null 2>&1 || true
	common_teardown
}

need_containerd() {
	need_systemd
	command -v containerd >/dev/null && command -v ctr >/dev/null && command -v containerd-shim-runc-v2 >/dev/null ||
		skip "containerd is not installed"
	[[ -f "$CTD_DIR/ready" ]] || fail "containerd did not come up: $(cat "$BATS_FILE_TMPDIR/ctd-why" 2>/dev/null)"
}

sctr() { sd_in timeout 60 ctr -a "$CTD_SOCK" -n "$CTD_NS" "$@"; }
task_status() { sctr task ls | awk -v id="$1" '$1 == id {print $3}'; }
task_pid() { sctr task ls | awk -v id="$1" '$1 == id {print $2}'; }

# run_in_pod ID [CTR RUN FLAGS...] -- CMD... — a detached container of the pod, in its slice.
run_in_pod() {
	local id="$1"
	shift
	local flags=()
	while [[ "$1" != -- ]]; do flags+=("$1"); shift; done
	shift
	POD_CTRS=("$id" "${POD_CTRS[@]}")
	sctr run -d --runc-binary "$RUNTIME" --runc-systemd-cgroup --cgroup "$POD_SLICE:cri-containerd:$id" \
		"${flags[@]}" localhost/berth-busybox:latest "$id" "$@" >/dev/null
	[ "$(task_status "$id")" = RUNNING ] || fail "$id: not running: $(task_status "$id")"
}

# remove_task ID — SIGKILL, then the task and the container deleted, as the kubelet's stop
# ends after its grace period.
remove_task() {
	local _i
	sctr task kill -s KILL "$1" || return
	for _i in $(seq 50); do [ "$(task_status "$1")" = STOPPED ] && break; sleep 0.1; done
	sctr task delete "$1" >/dev/null || return
	sctr containers delete "$1"
}

@test "containerd, systemd driver: a pod's containers are scopes in the pod's slice, with limits, exec, update and removal" {
	need_containerd
	command -v python3 >/dev/null || skip "needs python3 for the shim's Update call"
	local uid sbx="sdpod-sbx-$$" app="sdpod-app-$$" spid apid unit ns slice_dir id d
	uid="$(cat /proc/sys/kernel/random/uuid)"
	uid="${uid//-/_}"  # the kubelet's spelling: a dash would nest another slice
	POD_SLICE="kubepods-besteffort-pod$uid.slice"
	POD_CTRS=()
	slice_dir="/sys/fs/cgroup/kubepods.slice/kubepods-besteffort.slice/$POD_SLICE"

	run_in_pod "$sbx" -- sleep "${MARKER_PREFIX}81"
	spid="$(task_pid "$sbx")"
	run_in_pod "$app" --with-ns "network:/proc/$spid/ns/net" --with-ns "ipc:/proc/$spid/ns/ipc" \
		--with-ns "uts:/proc/$spid/ns/uts" --memory-limit 67108864 -- sleep "${MARKER_PREFIX}82"
	apid="$(task_pid "$app")"

	# Each container is a scope in the pod's slice, nested as systemd nests dashed slice names.
	unit="cri-containerd-$app.scope"
	[ "$(sd_in grep '^0::' "/proc/$apid/cgroup")" = "0::/kubepods.slice/kubepods-besteffort.slice/$POD_SLICE/$unit" ] ||
		fail "app cgroup: $(sd_in cat "/proc/$apid/cgroup")"
	[ "$(sd_show "$unit" Slice)" = "$POD_SLICE" ]
	[ "$(sd_show "$unit" ActiveState)" = active ]
	# The limit as the unit's property (this kernel's cgroup2 has no memory controller to show
	# it in a file: memory is bound to a v1 hierarchy; systemd.bats says the same).
	[ "$(sd_show "$unit" MemoryMax)" = 67108864 ]
	[ "$(sd_show "cri-containerd-$sbx.scope" Slice)" = "$POD_SLICE" ]
	# (ctr prints pids of systemd's pid namespace: /proc is read there.)
	for ns in net ipc uts; do
		[ "$(sd_in readlink "/proc/$apid/ns/$ns")" = "$(sd_in readlink "/proc/$spid/ns/$ns")" ] || fail "app $ns differs"
	done
	[ "$(sd_in readlink "/proc/$apid/ns/mnt")" != "$(sd_in readlink "/proc/$spid/ns/mnt")" ]

	# exec joins the scope: the process is in the container's cgroup.
	run --separate-stderr sctr task exec --exec-id e1 "$app" sh -c 'grep ^0:: /proc/self/cgroup; exit 4'
	[ "$status" -eq 4 ] || fail "exec: status $status: $stderr"
	[ "$output" = "0::/kubepods.slice/kubepods-besteffort.slice/$POD_SLICE/$unit" ] || fail "exec: $output"

	# update through the shim reaches systemd.
	# The shim's socket is in systemd's /run: reached from here through its root.
	local address
	address="$(cat "$CTD_DIR/state/io.containerd.runtime.v2.task/$CTD_NS/$app/address")"
	python3 "$BATS_TEST_DIRNAME/../tools/shim_update.py" "unix:///proc/$SD_PID/root${address#unix://}" "$CTD_NS" "$app" \
		'{"memory":{"limit":100663296}}' || fail "update refused"
	[ "$(sd_show "$unit" MemoryMax)" = 100663296 ]

	# Removal: the apps, then the sandbox; no scope is left, and the pod's slice stops empty.
	remove_task "$app" || fail "remove $app"
	remove_task "$sbx" || fail "remove $sbx"
	POD_CTRS=()
	for id in "$app" "$sbx"; do
		[ "$(sd_show "cri-containerd-$id.scope" LoadState)" = not-found ] || fail "scope of $id left"
	done
	[ -z "$(sd_in find "$slice_dir" -mindepth 1 -type d)" ] || fail "cgroups left: $(sd_in find "$slice_dir" -mindepth 1 -type d)"
	for d in "$spid" "$apid"; do sd_in test ! -e "/proc/$d" || fail "process $d left"; done
	sd_in systemctl stop kubepods.slice
	[ -z "$(sctr containers ls -q | grep -Fx -e "$sbx" -e "$app")" ]
}
