#!/usr/bin/env bats
# exec: a second process in a running container, in the namespaces and the cgroup of its init,
# with the container's process settings unless overridden (by flags or a --process file); its
# exit status; what it may not get (berth's fds, the host's /dev/null for its own); the states
# it refuses. Runs against runc too (RUNTIME=/usr/sbin/runc) except where noted.

load helpers

# A running container whose init sleeps; sets $id and $init.
start_sleeper() {
	set_args sleep "$LONG"
	id="$(new_id)"
	start_ctr "$id"
	init="$(pid_of "$id")"
}

# exec_pid_file ID ARGS... — exec --detach with a pid file; prints the process's host pid.
exec_detached() {
	local id="$1" pf="$TESTDIR/exec-$RANDOM.pid"
	shift
	rt exec --detach --pid-file "$pf" "$id" "$@" </dev/null >/dev/null 2>&1 3>&- 4>&- || fail "exec --detach failed"
	cat "$pf"
}

@test "exec: the process shares every namespace and the cgroup of the init" {
	local id init pid ns
	start_sleeper
	pid="$(exec_detached "$id" sleep "$LONG")"
	[[ "$pid" =~ ^[0-9]+$ ]] || fail "pid file: $pid"
	wait_for cmdline_matches "$pid" "sleep $LONG " || fail "pid $pid is $(cmdline_of "$pid")"
	for ns in pid mnt net ipc uts cgroup user; do
		[ "$(readlink "/proc/$pid/ns/$ns")" = "$(readlink "/proc/$init/ns/$ns")" ] ||
			fail "$ns: exec $(readlink "/proc/$pid/ns/$ns"), init $(readlink "/proc/$init/ns/$ns")"
	done
	# The container's own namespaces, not the host's.
	[ "$(readlink "/proc/$pid/ns/mnt")" != "$(host_ns mnt)" ]
	[ "$(readlink "/proc/$pid/ns/pid")" != "$(host_ns pid)" ]
	diff <(cat "/proc/$init/cgroup") <(cat "/proc/$pid/cgroup") || fail "cgroups differ"
	# Same root: the container's rootfs.
	[ "$(stat -L -c %d:%i "/proc/$pid/root")" = "$(stat -L -c %d:%i "/proc/$init/root")" ]
	# ps lists both; kill --all reaches the exec'd process too.
	run rt ps --format json "$id"
	[ "$status" -eq 0 ]
	[[ "$output" == *"$init"* && "$output" == *"$pid"* ]] || fail "ps: $output"
	rt kill --all "$id" KILL
	wait_for process_gone "$pid"
}

@test "exec: exit status, 128+signal, and signals passed on in the foreground" {
	local id init
	start_sleeper
	run rt exec "$id" sh -c 'exit 7' </dev/null
	[ "$status" -eq 7 ]
	run rt exec "$id" sh -c 'kill -9 $$' </dev/null
	[ "$status" -eq 137 ]
	# A foreground exec passes SIGTERM on to the process.
	# Not through rt: timeout(1) would take the signal for itself.
	"$RUNTIME" --root "$ROOT" exec "$id" sh -c 'trap "exit 42" TERM; echo ready; while :; do sleep 0.1; done' </dev/null >"$TESTDIR/fg.out" 2>&1 &
	local rpid=$!
	wait_for grep -q ready "$TESTDIR/fg.out"
	kill -TERM "$rpid"
	local rc=0
	wait "$rpid" || rc=$?
	[ "$rc" -eq 42 ] || fail "status $rc: $(cat "$TESTDIR/fg.out")"
}

@test "exec: the command line's own flags are the command's" {
	local id init
	start_sleeper
	run --separate-stderr rt exec "$id" sh -c 'echo "$0 $1"' -e --root </dev/null
	[ "$status" -eq 0 ] || fail "$stderr"
	[ "$output" = "-e --root" ]
	run --separate-stderr rt exec "$id" -- echo -d </dev/null
	[ "$status" -eq 0 ] || fail "$stderr"
	[ "$output" = "-d" ]
}

@test "exec: the container's settings, and --env, --cwd, --user, --additional-gids, --cap, --no-new-privs" {
	local id init
	update_config '.process.env += ["FROM_CONFIG=1", "OVERRIDE=config"]'
	start_sleeper
	run --separate-stderr rt exec "$id" sh -c 'echo "$FROM_CONFIG $OVERRIDE"; pwd; id -u; grep -E "^(CapBnd|CapEff|NoNewPrivs):" /proc/self/status' </dev/null
	[ "$status" -eq 0 ] || fail "$stderr"
	[ "${lines[0]}" = "1 config" ]
	[ "${lines[1]}" = "/" ]
	[ "${lines[2]}" = 0 ]
	local bnd_before
	bnd_before="$(status_line CapBnd)"
	run --separate-stderr rt exec --env OVERRIDE=flag --env NEW=2 --cwd /tmp --user 1000:1001 --additional-gids 2000 \
		--cap CAP_SYS_CHROOT --no-new-privs "$id" sh -c 'echo "$FROM_CONFIG $OVERRIDE $NEW"; pwd; id -u; id -g; id -G; grep -E "^(CapBnd|CapEff|CapPrm|NoNewPrivs):" /proc/self/status' </dev/null
	[ "$status" -eq 0 ] || fail "$stderr"
	[ "${lines[0]}" = "1 flag 2" ]
	[ "${lines[1]}" = "/tmp" ]
	[ "${lines[2]}" = 1000 ]
	[ "${lines[3]}" = 1001 ]
	[[ " ${lines[4]} " == *" 2000 "* ]] || fail "groups: ${lines[4]}"
	# CAP_SYS_CHROOT is bit 18: added to the bounding set; a non-root user gets no effective caps.
	local bnd
	bnd="$(status_line CapBnd | cut -f2)"
	(((0x$bnd >> 18) & 1)) || fail "CapBnd $bnd, before ${bnd_before}"
	[[ "$(status_line NoNewPrivs)" == *1 ]]
}

@test "exec: --user is strict: numbers only" {
	local id init
	start_sleeper
	run --separate-stderr rt exec -u 1 "$id" id -u </dev/null
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	local bad
	for bad in root 1:abc " 1" 1x -1 1: :1 4294967295; do
		run --separate-stderr rt exec -u "$bad" "$id" id -u </dev/null
		[ "$status" -ne 0 ] || fail "-u '$bad' ran as: $output"
	done
}

@test "exec: --process JSON: args, env, cwd, user, capabilities, rlimits" {
	local id init
	start_sleeper
	cat >"$TESTDIR/process.json" <<-'EOF'
		{"args": ["sh", "-c", "echo $GREETING; pwd; id -u; grep -E '^CapEff:' /proc/self/status; ulimit -n"],
		 "env": ["PATH=/usr/bin:/bin", "GREETING=hello"], "cwd": "/etc",
		 "user": {"uid": 0, "gid": 0},
		 "capabilities": {"bounding": ["CAP_CHOWN", "CAP_KILL"], "effective": ["CAP_CHOWN", "CAP_KILL"],
		                  "permitted": ["CAP_CHOWN", "CAP_KILL"]},
		 "rlimits": [{"type": "RLIMIT_NOFILE", "soft": 123, "hard": 456}]}
	EOF
	run --separate-stderr rt exec --process "$TESTDIR/process.json" "$id" </dev/null
	[ "$status" -eq 0 ] || fail "$stderr"
	[ "${lines[0]}" = hello ]
	[ "${lines[1]}" = /etc ]
	[ "${lines[2]}" = 0 ]
	# CAP_CHOWN (0) and CAP_KILL (5).
	[ "${lines[3]}" = $'CapEff:\t0000000000000021' ]
	[ "${lines[4]}" = 123 ]
}

@test "exec: a bad --process file fails naming the file and the field" {
	is_berth || skip "berth's messages"
	local id init
	start_sleeper
	echo '{"args": ["true"], "cwd": "relative"}' >"$TESTDIR/bad.json"
	run --separate-stderr rt exec --process "$TESTDIR/bad.json" "$id" </dev/null
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"$TESTDIR/bad.json"*".cwd"* ]] || fail "stderr: $stderr"
	echo '{"args": "true", "cwd": "/"}' >"$TESTDIR/bad.json"
	run --separate-stderr rt exec --process "$TESTDIR/bad.json" "$id" </dev/null
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"bad.json"*".args"*"expected array"* ]] || fail "stderr: $stderr"
	# A process file is the whole process: flags that would change it are refused.
	echo '{"args": ["true"], "cwd": "/"}' >"$TESTDIR/ok.json"
	run --separate-stderr rt exec --process "$TESTDIR/ok.json" --cwd /tmp "$id" </dev/null
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"--cwd cannot be combined with --process"* ]] || fail "stderr: $stderr"
}

@test "exec: no fd of the runtime reaches the process; --preserve-fds passes them on" {
	local id init
	start_sleeper
	run --separate-stderr rt exec "$id" ls /proc/self/fd </dev/null 5</dev/null
	[ "$status" -eq 0 ] || fail "$stderr"
	# 0, 1, 2 and ls's own directory fd (3).
	[ "$(tr '\n' ' ' <<<"$output")" = "0 1 2 3 " ] || fail "fds: $output"
	echo preserved >"$TESTDIR/fd3"
	run --separate-stderr rt exec --preserve-fds 1 "$id" cat /proc/self/fd/3 </dev/null 3<"$TESTDIR/fd3"
	[ "$status" -eq 0 ] || fail "$stderr"
	[ "$output" = preserved ]
}

@test "exec: as uid 1000 with the host's /dev/null as stdin, /dev/null stays as it was" {
	local id init before after
	start_sleeper
	before="$(stat -c '%u:%g %a' /dev/null)"
	run --separate-stderr rt exec -u 1000:1000 "$id" sh -c 'ls -ln /proc/self/fd/0 >/dev/null; echo ok' </dev/null
	[ "$status" -eq 0 ] || fail "$stderr"
	[ "$output" = ok ]
	after="$(stat -c '%u:%g %a' /dev/null)"
	[ "$before" = "$after" ] || fail "/dev/null was $before, now $after"
}

@test "exec: the container's seccomp profile applies to the exec'd process" {
	local id init
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["sethostname"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}'
	add_caps CAP_SYS_ADMIN
	start_sleeper
	run --separate-stderr rt exec "$id" sh -c 'grep -E "^Seccomp:" /proc/self/status; hostname x 2>&1; echo "rc=$?"' </dev/null
	[ "$status" -eq 0 ] || fail "$stderr"
	[ "${lines[0]}" = $'Seccomp:\t2' ] || fail "$output"
	[[ "$output" == *"rc=1"* ]] || fail "$output"
}

@test "exec: refused in a stopped container, and in a paused one unless --ignore-paused" {
	local id init
	start_sleeper
	rt pause "$id"
	run --separate-stderr rt exec "$id" true </dev/null
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"paused"* ]] || fail "stderr: $stderr"
	# With --ignore-paused the process waits, frozen with the container, until resume.
	# Its stdio to files: the frozen process holds what it was given until resume.
	rt exec --ignore-paused --detach --pid-file "$TESTDIR/paused.pid" "$id" sleep "$LONG" </dev/null \
		>"$TESTDIR/paused.out" 2>&1 || fail "exec --ignore-paused: $(cat "$TESTDIR/paused.out")"
	rt resume "$id"
	local pid
	pid="$(cat "$TESTDIR/paused.pid")"
	sleep 0.3
	[[ "$(cmdline_of "$pid")" == "sleep $LONG " ]] || fail "exec'd process $pid: $(cmdline_of "$pid")"
	[[ "$(rt ps --format json "$id")" == *"$pid"* ]] || fail "not in ps"
	rt kill "$id" KILL
	wait_status "$id" stopped
	run --separate-stderr rt exec "$id" true </dev/null
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"cannot exec in a stopped container"* ]] || fail "stderr: $stderr"
	run --separate-stderr rt exec nonexistent-$RANDOM true </dev/null
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"does not exist"* ]] || fail "stderr: $stderr"
}

@test "exec: delete -f kills exec'd processes too" {
	local id init pid
	start_sleeper
	pid="$(exec_detached "$id" sleep "$LONG")"
	rt delete -f "$id"
	wait_for process_gone "$pid"
	wait_for process_gone "$init"
}

@test "exec: the process's state in a shared pid namespace: still in the container's cgroup" {
	local id init pid
	# No pid namespace: exec is a direct child of the runtime, no fork needed.
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	start_sleeper
	pid="$(exec_detached "$id" sleep "$LONG")"
	[ "$(readlink "/proc/$pid/ns/pid")" = "$(host_ns pid)" ]
	[ "$(readlink "/proc/$pid/ns/mnt")" = "$(readlink "/proc/$init/ns/mnt")" ]
	diff <(cat "/proc/$init/cgroup") <(cat "/proc/$pid/cgroup") || fail "cgroups differ"
	rt delete -f "$id"
	wait_for process_gone "$pid"
}
