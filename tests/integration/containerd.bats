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
teardown() { [[ -z "${POD_UID:-}" ]] || pod_cleanup; }

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

# --- Pods (issue 12): what the kubelet has containerd's CRI plugin make, with ctr's flags for
# what CRI puts in each spec. crictl is not in Debian 12. The systemd cgroupsPath form
# ("slice:prefix:name") needs berth's systemd cgroup driver and is not tested here.

# cgroup_mount CONTROLLERS — where the host mounts the v1 hierarchy with CONTROLLERS (as
# /proc/PID/cgroup names them: "memory", "cpu,cpuacct", "name=systemd"), or cgroup2 for "".
cgroup_mount() {
	awk -v want="$1" '{
		for (i = 7; $i != "-"; i++) {}
		fs = $(i + 1); opts = "," $(i + 3) ","
		if (want == "" && fs == "cgroup2") { print $5; exit }
		if (want == "" || fs != "cgroup") next
		n = split(want, w, ","); ok = 1
		for (j = 1; j <= n; j++) if (index(opts, "," w[j] ",") == 0) ok = 0
		if (ok) { print $5; exit }
	}' /proc/self/mountinfo
}

# cgroup_dirs PID — PID's cgroup dir on the host in each hierarchy /proc/PID/cgroup names.
cgroup_dirs() {
	local ctrls path mnt
	while IFS=: read -r _ ctrls path; do
		mnt="$(cgroup_mount "$ctrls")"
		if [[ -n "$mnt" ]]; then printf '%s%s\n' "$mnt" "$path"; fi
	done <"/proc/$1/cgroup"
}

task_pid() { ctr_ task ls | awk -v id="$1" '$1 == id {print $2}'; }

wait_stopped() {
	local _i
	for _i in $(seq 50); do [ "$(task_status "$1")" = STOPPED ] && return 0; sleep 0.1; done
	fail "task $1: $(task_status "$1"), not STOPPED"
}

# stop_task ID GRACE — the kubelet's stop: SIGTERM, up to GRACE seconds, then SIGKILL (says
# "escalated"); then the task is deleted (ctr prints its exit status) and the container.
stop_task() {
	local id="$1" grace="$2" _i
	ctr_ task kill -s TERM "$id" || return
	for ((_i = 0; _i < grace * 10; _i++)); do
		[ "$(task_status "$id")" = STOPPED ] && break
		sleep 0.1
	done
	if [ "$(task_status "$id")" != STOPPED ]; then
		echo escalated
		ctr_ task kill -s KILL "$id" && wait_stopped "$id" || return
	fi
	ctr_ task delete "$id" 2>&1 || return
	ctr_ containers delete "$id"
}

# run_in_pod ID CGROUP_NAME [CTR RUN FLAGS...] -- CMD... — a detached container of the pod under
# its cgroup parent, with the read-only cgroup mount CRI gives every container.
run_in_pod() {
	local id="$1" name="$2"
	shift 2
	local flags=()
	while [[ "$1" != -- ]]; do flags+=("$1"); shift; done
	shift
	POD_CTRS=("$id" "${POD_CTRS[@]}")
	ctr_ run -d --runc-binary "$RUNTIME" --cgroup "$POD_PARENT/$name" \
		--mount type=cgroup,src=cgroup,dst=/sys/fs/cgroup,options=nosuid:noexec:nodev:relatime:ro \
		"${flags[@]}" localhost/berth-busybox:latest "$id" "$@" >/dev/null
	[ "$(task_status "$id")" = RUNNING ] || fail "$id: not running: $(task_status "$id")"
}

# pod_cleanup — after a failure: the pod's tasks and containers, its cgroups, and the
# /kubepods parents if this test made them.
pod_cleanup() {
	local c
	for c in "${POD_CTRS[@]}"; do
		ctr_ task kill -s KILL "$c" >/dev/null 2>&1
		ctr_ task delete -f "$c" >/dev/null 2>&1
		ctr_ containers delete "$c" >/dev/null 2>&1
	done
	find /sys/fs/cgroup/*"$POD_PARENT" -depth -type d -exec rmdir {} + 2>/dev/null
	if [[ -n "$POD_MADE_PARENTS" ]]; then
		rmdir /sys/fs/cgroup/*/kubepods/besteffort /sys/fs/cgroup/*/kubepods 2>/dev/null
	fi
	return 0
}

@test "containerd: a pod: sandbox, apps in its namespaces and cgroup parent, exec, logs, limits, update, stop, removal" {
	command -v python3 >/dev/null || skip "needs python3 for the shim's Update call"
	POD_UID="$(cat /proc/sys/kernel/random/uuid)"
	POD_PARENT="/kubepods/besteffort/pod$POD_UID"
	POD_CTRS=()
	POD_MADE_PARENTS=
	compgen -G '/sys/fs/cgroup/*/kubepods' >/dev/null || POD_MADE_PARENTS=1
	local sbx="pod-sbx-$$" app="pod-app-$$" term="pod-term-$$" marker="${MARKER_PREFIX}7"
	local log="$BATS_TEST_TMPDIR/app.log" spid apid tpid ns d dirs cmd seen
	local host_name
	host_name="$(cat /proc/sys/kernel/hostname)"

	# The sandbox: its own network, IPC, UTS and PID namespaces (ctr's defaults, like CRI's).
	run_in_pod "$sbx" "$sbx" -- sleep "${marker}1"
	spid="$(task_pid "$sbx")"
	# The kubelet names the pod: the sandbox's UTS namespace gets the hostname.
	nsenter -t "$spid" -u hostname "pod-$$"
	local join=(--with-ns "network:/proc/$spid/ns/net" --with-ns "ipc:/proc/$spid/ns/ipc"
		--with-ns "uts:/proc/$spid/ns/uts" --with-ns "pid:/proc/$spid/ns/pid")
	run_in_pod "$app" "$app" "${join[@]}" --memory-limit 67108864 --cpus 0.5 --log-uri "file://$log" -- \
		sh -c "echo app-stdout-$$; echo app-stderr-$$ >&2; exec sleep ${marker}2"
	run_in_pod "$term" "$term" "${join[@]}" -- sh -c "trap '' TERM; exec sleep ${marker}3"
	apid="$(task_pid "$app")"
	tpid="$(task_pid "$term")"

	# Namespaces, from the host: the apps share the sandbox's, but each has its own mounts.
	for ns in net ipc uts pid; do
		[ "$(readlink "/proc/$apid/ns/$ns")" = "$(readlink "/proc/$spid/ns/$ns")" ] || fail "app $ns differs"
		[ "$(readlink "/proc/$tpid/ns/$ns")" = "$(readlink "/proc/$spid/ns/$ns")" ] || fail "term $ns differs"
	done
	[ "$(readlink "/proc/$spid/ns/net")" != "$(readlink /proc/self/ns/net)" ]
	[ "$(readlink "/proc/$apid/ns/mnt")" != "$(readlink "/proc/$spid/ns/mnt")" ]
	[ "$(readlink "/proc/$apid/ns/mnt")" != "$(readlink "/proc/$tpid/ns/mnt")" ]

	# Cgroups: every hierarchy /proc/PID/cgroup names has the app under the pod's parent.
	dirs="$(cgroup_dirs "$apid")"
	[ "$(grep -c . <<<"$dirs")" -ge 2 ] || fail "cgroup dirs: $dirs"
	while read -r d; do
		[[ "$d" == /sys/fs/cgroup/*"$POD_PARENT/$app" && -d "$d" ]] || fail "app cgroup $d"
	done <<<"$dirs"
	[[ "$(cgroup_dirs "$spid")" == *"$POD_PARENT/$sbx"* ]]
	# Limits, in the host's files under the pod parent and as the app sees its cgroup.
	d="$(cgroup_mount memory)$POD_PARENT/$app"
	[ "$(cat "$d/memory.limit_in_bytes")" = 67108864 ]
	[ "$(cat "$(cgroup_mount cpu)$POD_PARENT/$app/cpu.cfs_quota_us")" = 50000 ]

	# exec: the pod's PID namespace (pid 1 is the sandbox's), hostname, its own cgroup view.
	run --separate-stderr ctr_ task exec --exec-id e1 "$app" sh -c \
		'tr "\0" " " </proc/1/cmdline; echo; hostname; cat /sys/fs/cgroup/memory/memory.limit_in_bytes; exit 5'
	[ "$status" -eq 5 ] || fail "exec: status $status: $stderr"
	[ "${lines[0]}" = "sleep ${marker}1 " ] || fail "exec: $output"
	[ "${lines[1]}" = "pod-$$" ] || fail "exec: $output"
	[ "${lines[2]}" = 67108864 ] || fail "exec: $output"
	[ "$(cat /proc/sys/kernel/hostname)" = "$host_name" ]
	if command -v script >/dev/null; then
		printf -v cmd 'timeout --foreground 60 ctr -a %q -n %q task exec -t --exec-id e2 %q sh; echo "rc=$?"' \
			"$CTD_SOCK" "$CTD_NS" "$app"
		run script -qec "$cmd" /dev/null <<<'tty; hostname; exit 3'
		seen="$(tr -d '\r' <<<"$output")"
		grep -qx '/dev/pts/[0-9]*' <<<"$seen" || fail "exec -t: $output"
		grep -qx "pod-$$" <<<"$seen" || fail "exec -t: $output"
		grep -qx rc=3 <<<"$seen" || fail "exec -t: $output"
	fi

	# Logs: the app's stdout and stderr reached the --log-uri file.
	wait_for grep -qx "app-stdout-$$" "$log"
	grep -qx "app-stderr-$$" "$log"

	# update (CRI's UpdateContainerResources): containerd's call to the shim, which runs
	# `update --resources -`; the host's files and the shim's metrics show the new values.
	python3 "$BATS_TEST_DIRNAME/../tools/shim_update.py" \
		"$(cat "$CTD_DIR/state/io.containerd.runtime.v2.task/$CTD_NS/$app/address")" "$CTD_NS" "$app" \
		'{"memory":{"limit":100663296},"cpu":{"quota":30000,"period":100000}}'
	[ "$(cat "$d/memory.limit_in_bytes")" = 100663296 ]
	[ "$(cat "$(cgroup_mount cpu)$POD_PARENT/$app/cpu.cfs_quota_us")" = 30000 ]
	run ctr_ task metrics "$app"
	[ "$status" -eq 0 ]
	grep -Eq '^memory\.limit_in_bytes +100663296 *$' <<<"$output" || fail "metrics: $output"
	grep -Eq '^pids\.current +1 *$' <<<"$output" || fail "metrics: $output"

	# Stop, apps first: SIGTERM (ignored by one app), a 1 s grace period, then SIGKILL.
	grep -Eq '^SigIgn:	0*4000$' "/proc/$tpid/status"
	run stop_task "$term" 1
	[ "$status" -eq 0 ] || fail "stop $term: $output"
	[[ "$output" == escalated*"exit code 137"* ]] || fail "stop $term: $output"
	run stop_task "$app" 1
	[ "$status" -eq 0 ] || fail "stop $app: $output"
	[[ "$output" != *escalated* && "$output" == *"exit code 143"* ]] || fail "stop $app: $output"
	# A pid 1 without a handler ignores SIGTERM: the sandbox is killed after its grace.
	run stop_task "$sbx" 1
	[ "$status" -eq 0 ] || fail "stop $sbx: $output"
	[[ "$output" == escalated*"exit code 137"* ]] || fail "stop $sbx: $output"

	# Removal left nothing: processes, the containers' cgroups (the parents are the
	# kubelet's, removed here), mounts, the runtime's and the shim's state.
	for d in "$spid" "$apid" "$tpid"; do process_gone "$d" || fail "process $d left"; done
	[ -z "$(pgrep -f "sleep $marker" || true)" ] || fail "processes left: $(pgrep -af "sleep $marker")"
	for d in $dirs; do [ ! -e "$d" ] || fail "cgroup $d left"; done
	[ -z "$(find /sys/fs/cgroup/*"$POD_PARENT" -mindepth 1 -type d 2>/dev/null)" ] ||
		fail "cgroups left: $(find /sys/fs/cgroup/*"$POD_PARENT" -mindepth 1 -type d)"
	find /sys/fs/cgroup/*"$POD_PARENT" -depth -type d -exec rmdir {} +
	if [[ -n "$POD_MADE_PARENTS" ]]; then
		rmdir /sys/fs/cgroup/*/kubepods/besteffort /sys/fs/cgroup/*/kubepods
		[ -z "$(compgen -G '/sys/fs/cgroup/*/kubepods')" ]
	fi
	[ -z "$(grep -E "/($sbx|$app|$term)(/|\$)" <(awk '{print $5}' /proc/self/mountinfo))" ] || fail "mounts left"
	for d in "$sbx" "$app" "$term"; do
		[ ! -e "/run/containerd/runc/$CTD_NS/$d" ] || fail "runtime state of $d left"
		[ ! -e "$CTD_DIR/state/io.containerd.runtime.v2.task/$CTD_NS/$d" ] || fail "bundle of $d left"
	done
	[ -z "$(ctr_ containers ls -q | grep -Fx -e "$sbx" -e "$app" -e "$term")" ]
	POD_UID=
}

@test "containerd: contrib's CRI config loads in containerd, with berth as the RuntimeClass's handler" {
	local dir="$BATS_TEST_TMPDIR/cri" contrib="$BATS_TEST_DIRNAME/../../contrib/containerd"
	mkdir -p "$dir"
	# The file as it is, with containerd's own dirs moved to the test's (top-level keys go
	# before the first table). `config dump` decodes every plugin's section, CRI's too.
	{ printf 'root = "%s/root"\nstate = "%s/state"\n' "$dir" "$dir"; cat "$contrib/config.toml"; } >"$dir/config.toml"
	run --separate-stderr containerd --config "$dir/config.toml" config dump
	[ "$status" -eq 0 ] || fail "config dump: $stderr"
	local berth
	berth="$(awk '/^ *\[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.berth(.options)?\]/ {on = 1; next}
		/^ *\[/ {on = 0} on' <<<"$output")"
	grep -qx ' *runtime_type = "io.containerd.runc.v2"' <<<"$berth" || fail "berth runtime: $berth"
	grep -qx ' *BinaryName = "/usr/local/sbin/berth"' <<<"$berth" || fail "berth runtime: $berth"
	grep -qx ' *SystemdCgroup = false' <<<"$berth" || fail "berth runtime: $berth"
	grep -qx ' *default_runtime_name = "runc"' <<<"$output"
	[ ! -e "$dir/root" ] && [ ! -e "$dir/state" ]
	# The RuntimeClass selects that handler.
	grep -qx 'apiVersion: node.k8s.io/v1' "$contrib/runtimeclass.yaml"
	grep -qx 'kind: RuntimeClass' "$contrib/runtimeclass.yaml"
	grep -qx 'handler: berth' "$contrib/runtimeclass.yaml"
}
