#!/usr/bin/env bats
# Namespaces as the container sees them: new ones, joined ones (by path) and
# the host's, compared by the inode in /proc/self/ns/*.  User namespaces are
# in userns.bats.

load helpers

# has_time_ns — both the kernel and the runtime (per `features`) do time
# namespaces (runc 1.1 does not).
has_time_ns() {
	[[ -e /proc/self/ns/time ]] &&
		rt features 2>/dev/null | jq -e '.linux.namespaces | index("time")' >/dev/null
}

# ns_types — the namespace types to compare, by their /proc/self/ns name.
ns_types() {
	local types=(pid net ipc uts mnt cgroup)
	[[ -n "$TIME_NS" ]] && types+=(time)
	printf '%s\n' "${types[@]}"
}

setup() {
	common_setup
	TIME_NS=
	if has_time_ns; then TIME_NS=1; fi
	VETH=
}

teardown() {
	# A veth goes with the container's namespace, in a work queue after its last process.
	[ -z "$VETH" ] || ip link del "$VETH" 2>/dev/null || true
	common_teardown
}

# print_ns_cmd — a snippet that prints "TYPE LINK" for every ns_types entry.
print_ns_cmd() {
	printf 'for t in %s; do echo "$t $(readlink /proc/self/ns/$t)"; done' "$(ns_types | tr '\n' ' ')"
}

# check_ns_seen OUTPUT NEW-TYPES... — in OUTPUT (from print_ns_cmd), the
# listed /proc names differ from the host's and every other type equals it.
check_ns_seen() {
	local out="$1" t line
	shift
	local -A want_new=()
	for t in "$@"; do want_new[$t]=1; done
	for t in $(ns_types); do
		line="$(grep "^$t " <<<"$out")" || fail "no line for $t in: $out"
		line="${line#"$t "}"
		[[ "$line" == "$t:["*"]" ]] || fail "$t: unexpected link '$line'"
		if [[ -n "${want_new[$t]:-}" ]]; then
			[ "$line" != "$(host_ns "$t")" ] || fail "$t: the container shares the host's $line, expected a new one"
		else
			[ "$line" = "$(host_ns "$t")" ] || fail "$t: the container has $line, expected the host's $(host_ns "$t")"
		fi
	done
}

@test "namespaces: the process runs as pid 1 of its own pid namespace" {
	# The runtime execs args directly: cat itself is pid 1.
	set_args cat /proc/self/stat
	run_container
	[ "$status" -eq 0 ]
	[[ "$output" == "1 (cat) "* ]]

	# A shell sees $$ = 1 and only its own children.
	set_cmd 'echo $$; ls -d /proc/[0-9]* | wc -l'
	run_container
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1 ]
	# sh, ls and wc: no host process is visible.
	[ "${lines[1]}" -le 3 ]
}

@test "namespaces: own network namespace with only loopback" {
	set_cmd 'ls /sys/class/net'
	run_container
	[ "$status" -eq 0 ]
	[ "$output" = lo ]
}

@test "namespaces: the default ones differ from the host's" {
	set_cmd 'for n in pid net ipc uts mnt; do readlink /proc/self/ns/$n; done'
	run_container
	[ "$status" -eq 0 ]
	local n host
	for n in pid net ipc uts mnt; do
		host="$(readlink "/proc/self/ns/$n")"
		grep -qx "$n:\[[0-9]*\]" <<<"$output"
		[[ "$output" != *"$host"* ]]
	done
}

@test "namespaces: join network and uts namespaces by path" {
	local a pida
	a="$(new_id)"
	update_config '.hostname = "ctr-a"'
	set_cmd "readlink /proc/self/ns/net; exec sleep $LONG"
	start_ctr "$a"
	pida="$(pid_of "$a")"
	wait_for test -s "$TESTDIR/$a.out"

	setup_bundle "$TESTDIR/bundle-b"
	update_config 'del(.hostname)
		| .linux.namespaces |= map(
			if .type == "network" then .path = "/proc/\($p)/ns/net"
			elif .type == "uts" then .path = "/proc/\($p)/ns/uts"
			else . end)' --arg p "$pida"
	set_cmd 'readlink /proc/self/ns/net; hostname'
	run_container
	[ "$status" -eq 0 ] || fail "container B failed ($status): $output" "$stderr"
	[ "${lines[0]}" = "$(ctr_out "$a")" ]
	[ "${lines[0]}" = "$(readlink "/proc/$pida/ns/net")" ]
	[ "${lines[0]}" != "$(host_ns net)" ]
	[ "${lines[1]}" = ctr-a ]
	# B did not change A's hostname.
	[ "$(nsenter -t "$pida" -u hostname)" = ctr-a ]
}

@test "namespaces: join a pid namespace by path" {
	local a pida
	a="$(new_id)"
	set_args sleep "$LONG"
	start_ctr "$a"
	pida="$(pid_of "$a")"

	setup_bundle "$TESTDIR/bundle-b"
	update_config '.linux.namespaces |= map(
			if .type == "pid" then .path = "/proc/\($p)/ns/pid" else . end)' --arg p "$pida"
	# Each process as "PID CMDLINE", then our own pid.
	set_cmd 'for p in /proc/[0-9]*; do echo "${p#/proc/} $(tr "\0" " " <$p/cmdline)"; done; echo "self $$"'
	run_container
	[ "$status" -eq 0 ] || fail "container B failed ($status): $output" "$stderr"
	# A's sleep is pid 1 of the shared namespace; B is another pid in it.
	grep -qx "1 sleep $LONG " <<<"$output" || fail "A's init not seen as pid 1: $output"
	[[ "${lines[-1]}" =~ ^self\ [0-9]+$ ]]
	[ "${lines[-1]}" != "self 1" ]
	[ "$(readlink "/proc/$pida/ns/pid")" != "$(host_ns pid)" ]
}

@test "namespaces: no network namespace in the config shares the host's" {
	update_config '.linux.namespaces |= map(select(.type != "network"))'
	set_args readlink /proc/self/ns/net
	run_container
	[ "$status" -eq 0 ] || fail "container failed ($status): $output" "$stderr"
	[ "$output" = "$(host_ns net)" ]
}

@test "namespaces: ipc, uts, cgroup (and time) asked for are new, pid and net are the host's" {
	local asked='["mount", "ipc", "uts", "cgroup"]'
	[[ -n "$TIME_NS" ]] && asked='["mount", "ipc", "uts", "cgroup", "time"]'
	update_config '.linux.namespaces = ($t | map({type: .}))' --argjson t "$asked"
	set_cmd "$(print_ns_cmd)"
	run_container
	[ "$status" -eq 0 ] || fail "container failed ($status): $output" "$stderr"
	check_ns_seen "$output" mnt ipc uts cgroup time
}

@test "namespaces: pid and net asked for are new, ipc, uts, cgroup and time are the host's" {
	update_config 'del(.hostname) | .linux.namespaces = [{type: "mount"}, {type: "pid"}, {type: "network"}]'
	set_cmd "$(print_ns_cmd)"
	run_container
	[ "$status" -eq 0 ] || fail "container failed ($status): $output" "$stderr"
	check_ns_seen "$output" mnt pid net
}

@test "namespaces: a namespace path that is a FIFO is refused without blocking" {
	mkfifo "$TESTDIR/fifo"
	update_config '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)' --arg p "$TESTDIR/fifo"
	run --separate-stderr timeout 5 "$RUNTIME" --root "$ROOT" run --bundle "$BUNDLE" "$(new_id)"
	echo "status=$status stderr=$stderr"
	[ "$status" -ne 0 ]
	[ "$status" -ne 124 ] # did not hang
	if is_berth; then
		[[ "$stderr" == *".linux.namespaces["*"].path"*"not a namespace file"* ]]
	fi
	root_is_empty
}

# berth makes a new network namespace beside the init and hands it over (network_namespace.hpp):
# whatever looks at the container from outside before it starts must already find it there.
@test "namespaces: a createRuntime hook wires a veth into the new network namespace by pid, as CNI does; the process has it" {
	VETH="bt${RUN_TAG}h"
	# The hook runs in the runtime's namespaces, with the state on stdin.
	update_config '.hooks.createRuntime = [{path: "/bin/sh", args: ["sh", "-c",
		"pid=$(jq -r .pid) && readlink /proc/$pid/ns/net > \($d)/hook-ns && ip link add \($v) type veth peer name ctr1 netns $pid"]}]' \
		--arg d "$TESTDIR" --arg v "$VETH"
	set_cmd 'readlink /proc/self/ns/net; ls /sys/class/net'
	run_container
	[ "$status" -eq 0 ] || fail "container failed ($status): $output" "$stderr"
	[ "${lines[0]}" = "$(cat "$TESTDIR/hook-ns")" ] || fail "the hook saw $(cat "$TESTDIR/hook-ns"), the process ${lines[0]}"
	[ "${lines[0]}" != "$(host_ns net)" ]
	[ "$(printf '%s\n' "${lines[@]:1}" | sort | tr '\n' ' ')" = "ctr1 lo " ] || fail "sysfs: ${lines[*]:1}"
}

@test "namespaces: a created container's init holds no fd of berth's network namespace" {
	local id pid
	id="$(new_id)"
	set_args true
	create_ctr "$id"
	pid="$(pid_of "$id")"
	local held
	held="$(ls -l "/proc/$pid/fd/" | grep -o 'net:\[[0-9]*\]' || true)"
	[ -z "$held" ] || fail "the init holds $held (the host's is $(host_ns net))"
}

@test "namespaces: berth as root of a user namespace that does not own its network namespace gives the container a new one" {
	is_berth || skip "--cgroup-manager is berth's flag"
	# berth could not return to a network namespace its user namespace does not own; the clone
	# makes the container's then, as without a user namespace around berth.
	set_cmd 'readlink /proc/self/ns/net; ls /sys/class/net'
	mkfifo "$TESTDIR/go"
	unshare -U -m --propagation private sh -c 'read -r _ <"$0" && exec "$@"' "$TESTDIR/go" \
		timeout 20 "$RUNTIME" --root "$ROOT" --cgroup-manager=disabled run --bundle "$BUNDLE" "$(new_id)" \
		</dev/null >"$TESTDIR/out" 2>"$TESTDIR/err" &
	local p=$!
	wait_for userns_differs "$p"
	echo "0 0 65536" >"/proc/$p/uid_map"
	echo "0 0 65536" >"/proc/$p/gid_map"
	echo go >"$TESTDIR/go"
	local rc=0
	wait "$p" || rc=$?
	[ "$rc" -eq 0 ] || fail "run in a user namespace failed ($rc): $(cat "$TESTDIR/err")"
	mapfile -t lines <"$TESTDIR/out"
	[ "${lines[0]}" != "$(host_ns net)" ] || fail "the host's network namespace: ${lines[*]}"
	[ "${lines[1]}" = lo ] && [ "${#lines[@]}" -eq 2 ] || fail "sysfs: ${lines[*]:1}"
}

userns_differs() { [ "$(readlink "/proc/$1/ns/user")" != "$(host_ns user)" ]; }
