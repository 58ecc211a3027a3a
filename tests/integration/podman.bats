#!/usr/bin/env bats
# podman drives the runtime through conmon, as `podman --runtime`: create with
# --log-format json and --pid-file, start, state, kill, pause/resume, delete. Storage, run
# dirs and the events log live in a temp dir (vfs driver); the image is the busybox rootfs
# imported here. podman keeps its stock settings (network, seccomp profile, capabilities,
# masks) except what this host has not: systemd (cgroupfs, file events) and a hard
# RLIMIT_NOFILE as high as its default. Its stock network is CNI's bridge with NAT: every
# podman command runs in a network namespace of this file's own, with CNI's state dirs on
# tmpfs in a mount namespace of its own, so the bridge, veths, iptables rules, ip_forward
# and leases never reach the host.

load helpers

setup_file() {
	require_root
	if ! command -v podman >/dev/null || ! command -v conmon >/dev/null; then
		skip "podman or conmon is not installed"
	fi
	export PM_DIR="$BATS_FILE_TMPDIR/podman"
	mkdir -p "$PM_DIR/tmp"
	# podman keeps a blob cache in /var/lib/containers whatever --root says: remove it
	# afterwards only if this file made it.
	[[ -e /var/lib/containers ]] && touch "$PM_DIR/had-var-lib-containers"
	# podman (as root) gives the runtime no --root: berth keeps its state, and its cache of
	# compiled seccomp filters, in /run/berth.
	[[ -e /run/berth ]] && touch "$PM_DIR/had-run-berth"
	# The namespaces podman runs in: a process holds them, its pid written from inside.
	[[ -e /var/lib/cni ]] || { mkdir -p /var/lib/cni && touch "$PM_DIR/made-var-lib-cni"; }
	[[ -e /run/netns ]] || { mkdir -p /run/netns && touch "$PM_DIR/made-run-netns"; }
	(unshare -m -n --propagation private sh -c "mount -t tmpfs tmpfs /var/lib/cni && mount -t tmpfs tmpfs /run/netns &&
		ip link set lo up && echo \$\$ >'$PM_DIR/ns.pid' && exec sleep infinity" </dev/null >/dev/null 2>&1 &)
	local tries=50
	until [[ -s "$PM_DIR/ns.pid" ]]; do ((tries-- > 0)) || fail "the namespace holder did not start"; sleep 0.1; done
	PM_NS="$(cat "$PM_DIR/ns.pid")"
	export PM_NS
	# Never the host's: CNI would change its network.
	[[ "$(readlink "/proc/$PM_NS/ns/net")" != "$(readlink /proc/self/ns/net)" &&
		"$(readlink "/proc/$PM_NS/ns/mnt")" != "$(readlink /proc/self/ns/mnt)" ]] || fail "no namespaces of its own"
	cat >"$PM_DIR/containers.conf" <<-EOF
		[engine]
		cgroup_manager = "cgroupfs"
		events_logger = "file"
		events_logfile_path = "$PM_DIR/events.log"
		tmp_dir = "$PM_DIR/tmp"
		runtime = "berth-under-test"
		runtime_supports_json = ["berth-under-test"]
		runtime_supports_nocgroups = ["berth-under-test"]
		[engine.runtimes]
		berth-under-test = ["$RUNTIME"]
	EOF
	tar -C "$(rootfs_template)" -cf "$PM_DIR/rootfs.tar" .
	pm import "$PM_DIR/rootfs.tar" localhost/berth-bb:latest >/dev/null
}

teardown_file() {
	[[ -n "${PM_DIR:-}" && -d "$PM_DIR" ]] || return 0
	[[ -n "${PM_NS:-}" || ! -s "$PM_DIR/ns.pid" ]] || PM_NS="$(cat "$PM_DIR/ns.pid")"
	if [[ -n "${PM_NS:-}" ]]; then
		pm rm -af -t 0 >/dev/null 2>&1 || true
		pm rmi -af >/dev/null 2>&1 || true
		kill "$PM_NS" 2>/dev/null || true
	fi
	[[ -f "$PM_DIR/made-var-lib-cni" ]] && rmdir /var/lib/cni
	[[ -f "$PM_DIR/made-run-netns" ]] && rmdir /run/netns
	local mp
	for mp in $(mounts_under "$PM_DIR" | sort -r); do umount -l "$mp"; done
	# conmon's own cgroup (libpod_parent/conmon) first, then the parent podman made.
	rmdir /sys/fs/cgroup/libpod_parent/conmon /sys/fs/cgroup/*/libpod_parent/conmon 2>/dev/null || true
	rmdir /sys/fs/cgroup/libpod_parent /sys/fs/cgroup/*/libpod_parent 2>/dev/null || true
	[[ -f "$PM_DIR/had-var-lib-containers" ]] || rm -rf /var/lib/containers
	if [[ ! -f "$PM_DIR/had-run-berth" && -d /run/berth ]]; then
		rm -rf /run/berth/~seccomp
		rmdir /run/berth 2>/dev/null || true
	fi
	common_teardown_file
}

setup() { require_root; }
teardown() { :; }

# podman in the file's namespaces (see the top). Entering the mount namespace moves the cwd to
# its root: paths given to podman are absolute.
pm() {
	nsenter -t "$PM_NS" -m -n -- env CONTAINERS_CONF="$PM_DIR/containers.conf" timeout 60 podman --root "$PM_DIR/root" \
		--runroot "$PM_DIR/runroot" --storage-driver vfs --cgroup-manager cgroupfs "$@"
}

# This host's hard RLIMIT_NOFILE is below podman's default and CAP_SYS_RESOURCE is missing,
# so containers get limits the host can grant (the refusal itself is checked below).
ULIMITS=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024)

@test "podman: run in the foreground through the runtime" {
	run --separate-stderr pm run --rm "${ULIMITS[@]}" localhost/berth-bb:latest \
		sh -c 'echo "pid=$$"; cat /proc/self/cgroup; grep ^CapInh /proc/self/status'
	[ "$status" -eq 0 ]
	[[ "$output" == *"pid=1"* ]]
	grep -Eq '^[0-9]+:pids:/libpod_parent/libpod-[0-9a-f]{64}$' <<<"$output" ||
		grep -Eq '^0::/libpod_parent/libpod-[0-9a-f]{64}$' <<<"$output"
	grep -q "^CapInh:	0000000000000000" <<<"$output"
}

# podman's stock network: CNI's bridge plugin gave the container's own network namespace a
# veth with an address of the podman network and a route through the bridge, which answers.
@test "podman: its stock network: the container's namespace, an address on podman's bridge, the gateway answers" {
	run --separate-stderr pm run --rm "${ULIMITS[@]}" localhost/berth-bb:latest \
		sh -c 'ip -o -4 addr show eth0; ip route; ping -c1 -W5 10.88.0.1 >/dev/null && echo gateway-answers; readlink /proc/self/ns/net'
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	grep -Eq '^[0-9]+: eth0 +inet 10\.88\.[0-9]+\.[0-9]+/16 ' <<<"$output" || fail "address: $output"
	grep -q '^default via 10.88.0.1 dev eth0' <<<"$output" || fail "route: $output"
	grep -qx gateway-answers <<<"$output" || fail "ping: $output"
	local ns
	ns="$(grep -o 'net:\[[0-9]*\]' <<<"$output")"
	[[ -n "$ns" && "$ns" != "$(readlink "/proc/$PM_NS/ns/net")" && "$ns" != "$(readlink /proc/self/ns/net)" ]] ||
		fail "network namespace $ns"
}

# podman's default seccomp profile (containers-common's, converted by podman) and sysctls
# from its command line, in the container's network and IPC namespaces.
@test "podman: its default seccomp profile, and --sysctl" {
	run --separate-stderr pm run --rm "${ULIMITS[@]}" --sysctl net.ipv4.ping_group_range="0 0" --sysctl kernel.shmmax=4242 \
		localhost/berth-bb:latest \
		sh -c 'grep -E "^Seccomp(_filters)?:" /proc/self/status; cat /proc/sys/net/ipv4/ping_group_range /proc/sys/kernel/shmmax'
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	[[ "$output" == *$'Seccomp:\t2'* ]] || fail "output: $output"
	[[ "$output" == *$'Seccomp_filters:\t1'* ]] || fail "output: $output"
	[[ "$output" == *$'0\t0\n4242'* ]] || fail "sysctls: $output"
}

@test "podman: exit status, and 127 for a missing executable (from the runtime's message)" {
	run pm run --rm "${ULIMITS[@]}" localhost/berth-bb:latest sh -c 'exit 5'
	[ "$status" -eq 5 ]
	run -127 --separate-stderr pm run --rm "${ULIMITS[@]}" localhost/berth-bb:latest /no/such/binary
	[ "$status" -eq 127 ]
}

# -it: conmon hands the runtime a --console-socket and relays the master to podman, which
# proxies its own terminal: script(1) provides that one.
@test "podman: run -it: a shell on the container's terminal, its size and exit status" {
	command -v script >/dev/null || skip "needs script(1) (bsdutils)"
	local cmd
	printf -v cmd 'stty rows 40 cols 100; nsenter -t %q -m -n -- env CONTAINERS_CONF=%q timeout --foreground 60 podman --root %q --runroot %q --storage-driver vfs --cgroup-manager cgroupfs run -it --rm %s localhost/berth-bb:latest sh; echo "rc=$?"' \
		"$PM_NS" "$PM_DIR/containers.conf" "$PM_DIR/root" "$PM_DIR/runroot" "${ULIMITS[*]}"
	run script -qec "$cmd" /dev/null <<<'echo $((6*7)); sleep 1; stty size; tty; exit 3'  # sleep: the engine resizes the pty after start
	local seen
	seen="$(tr -d '\r' <<<"$output")"
	grep -qx 42 <<<"$seen" || fail "output: $output"
	grep -qx '40 100' <<<"$seen" || fail "output: $output"
	grep -qx /dev/pts/0 <<<"$seen" || fail "output: $output"
	grep -qx rc=3 <<<"$seen" || fail "output: $output"
}

@test "podman: detached container: top, pause, unpause, stop, rm" {
	local name="bt-$$" pid
	pm run -d --name "$name" "${ULIMITS[@]}" localhost/berth-bb:latest sleep 1000 >/dev/null
	[ "$(pm inspect -f '{{.State.Status}}' "$name")" = running ]
	pid="$(pm inspect -f '{{.State.Pid}}' "$name")"
	wait_for cmdline_matches "$pid" "sleep 1000 "
	pm top "$name" | grep -q "sleep 1000"
	pm pause "$name" >/dev/null
	[ "$(pm inspect -f '{{.State.Status}}' "$name")" = paused ]
	[[ "$(awk '/^State:/ {print $2}' "/proc/$pid/status")" == [DT] ]]
	pm unpause "$name" >/dev/null
	[ "$(pm inspect -f '{{.State.Status}}' "$name")" = running ]
	# pid 1 ignores TERM without a handler: podman falls back to KILL after the timeout.
	pm stop -t 1 "$name" >/dev/null 2>&1
	[ "$(pm inspect -f '{{.State.Status}}' "$name")" = exited ]
	pm rm "$name" >/dev/null
	process_gone "$pid"
}

# What each flag asks for, read where it takes effect: the host's cgroup files for the
# limits, the container's own view for the user, capabilities, root and init.
@test "podman: --pids-limit, --memory, --read-only, --cap-drop, --user and --init reach the container" {
	[[ -x /usr/libexec/podman/catatonit ]] || skip "--init needs catatonit"
	local name="bt-flags-$$" pid cg
	pm run -d --name "$name" "${ULIMITS[@]}" --pids-limit 42 --memory 64m --read-only --cap-drop all \
		--user 1000:1001 --init localhost/berth-bb:latest sleep 1000 >/dev/null
	pid="$(pm inspect -f '{{.State.Pid}}' "$name")"
	wait_for cmdline_matches "$pid" "/run/podman-init -- sleep 1000 " || fail "pid 1: $(cmdline_of "$pid")"
	cg="$(awk -F: '$2 == "memory" || $2 == "" { print $2 "=" $3 }' "/proc/$pid/cgroup")"
	local mem_path pids_path
	mem_path="$(awk -F: '$2 == "memory" { print $3 }' "/proc/$pid/cgroup")"
	pids_path="$(awk -F: '$2 == "pids" { print $3 }' "/proc/$pid/cgroup")"
	if [[ -n "$mem_path" ]]; then  # v1 / hybrid
		[ "$(cat "/sys/fs/cgroup/memory$mem_path/memory.limit_in_bytes")" = 67108864 ] || fail "memory: $cg"
		[ "$(cat "/sys/fs/cgroup/pids$pids_path/pids.max")" = 42 ] || fail "pids: $cg"
	else
		local path
		path="$(awk -F: '$1 == "0" { print $3 }' "/proc/$pid/cgroup")"
		[ "$(cat "/sys/fs/cgroup$path/memory.max")" = 67108864 ] || fail "memory: $cg"
		[ "$(cat "/sys/fs/cgroup$path/pids.max")" = 42 ] || fail "pids: $cg"
	fi
	run --separate-stderr pm exec "$name" sh -c 'id -u; id -g; grep ^CapEff: /proc/self/status; touch /probe 2>&1; echo "rc=$?"'
	[ "$status" -eq 0 ] || fail "exec: $status: $stderr"
	[ "${lines[0]}" = 1000 ] || fail "uid: $output"
	[ "${lines[1]}" = 1001 ] || fail "gid: $output"
	[[ "${lines[2]}" == *$'\t0000000000000000' ]] || fail "caps: $output"
	[[ "$output" == *"Read-only file system"*"rc=1"* ]] || fail "read-only: $output"
	pm stop -t 1 "$name" >/dev/null 2>&1
	pm rm "$name" >/dev/null
	process_gone "$pid"
}

# 126: the executable exists but cannot be run (a directory, or no execute permission).
@test "podman: a command that cannot be executed exits 126" {
	run -126 --separate-stderr pm run --rm "${ULIMITS[@]}" localhost/berth-bb:latest /etc
	[ "$status" -eq 126 ]
}

@test "podman: a hard limit the host cannot grant fails with the limit named (exit 126)" {
	local hard
	hard="$(ulimit -Hn)"
	if capsh --has-p=cap_sys_resource 2>/dev/null; then skip "this host can raise hard limits"; fi
	run --separate-stderr pm run --rm --ulimit "nofile=$((hard + 1)):$((hard + 1))" localhost/berth-bb:latest true
	[ "$status" -eq 126 ]
	if is_berth; then [[ "$stderr" == *RLIMIT_NOFILE* ]]; fi
}

@test "podman: exec, with and without -t, into a running container" {
	local name="bt-exec-$$" out cmd
	pm run -d --name "$name" "${ULIMITS[@]}" localhost/berth-bb:latest sleep 1000 >/dev/null
	run --separate-stderr pm exec "$name" sh -c 'echo "pid=$$ $(cat /proc/1/cmdline | tr "\0" " ")"; exit 4'
	[ "$status" -eq 4 ] || fail "status $status: $stderr"
	[[ "$output" == "pid="*"sleep 1000 " ]] || fail "output: $output"
	run --separate-stderr pm exec -e GREETING=hi -w /tmp -u 1000 "$name" sh -c 'echo "$GREETING $(pwd) $(id -u)"'
	[ "$status" -eq 0 ] || fail "$stderr"
	[ "$output" = "hi /tmp 1000" ]
	if command -v script >/dev/null; then
		printf -v cmd 'stty rows 30 cols 90; nsenter -t %q -m -n -- env CONTAINERS_CONF=%q timeout --foreground 60 podman --root %q --runroot %q --storage-driver vfs --cgroup-manager cgroupfs exec -it %q sh; echo "rc=$?"' \
			"$PM_NS" "$PM_DIR/containers.conf" "$PM_DIR/root" "$PM_DIR/runroot" "$name"
		run script -qec "$cmd" /dev/null <<<'echo $((6*7)); sleep 1; stty size; tty; exit 3'  # sleep: the engine resizes the pty after start
		out="$(tr -d '\r' <<<"$output")"
		grep -qx 42 <<<"$out" || fail "output: $output"
		grep -qx '30 90' <<<"$out" || fail "output: $output"
		grep -qx '/dev/pts/[0-9]*' <<<"$out" || fail "output: $output"
		grep -qx rc=3 <<<"$out" || fail "output: $output"
	fi
	pm rm -f -t 0 "$name" >/dev/null
}

# podman reads the container's cgroup itself (found from the pid the runtime reported) for
# its stats: the limits berth wrote and the processes it placed must be there.
@test "podman: stats --no-stream shows the container's memory limit and pids" {
	local name="bt-stats-$$"
	pm run -d --name "$name" --memory 48m --pids-limit 50 "${ULIMITS[@]}" localhost/berth-bb:latest \
		sh -c 'sleep 1000 & sleep 1000 & wait' >/dev/null
	local tries=30
	# sh and its two sleeps, once sh has forked them.
	while run --separate-stderr pm stats --no-stream --format json "$name"; do
		[ "$(jq -r '.[0].pids' <<<"$output")" = 3 ] || ((--tries == 0)) || { sleep 0.1; continue; }
		break
	done
	pm rm -f -t 0 "$name" >/dev/null
	echo "$output"
	[ "$status" -eq 0 ] || fail "$stderr"
	[ "$(jq -r '.[0].pids' <<<"$output")" = 3 ]
	jq -r '.[0].mem_usage' <<<"$output" | grep -q ' / 50.33MB$' # 48 MiB, in podman's decimal units
}
