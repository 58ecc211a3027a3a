#!/usr/bin/env bats
# `run`: foreground execution, stdio pass-through and exit status.

load helpers

@test "run: prints what the container process prints" {
	set_cmd 'echo hello from the container; echo on stderr >&2'
	run_container
	[ "$status" -eq 0 ]
	[ "$output" = "hello from the container" ]
	grep -qx "on stderr" <<<"$stderr"
}

@test "run: returns the exit code of the container process" {
	set_cmd 'exit 7'
	run_container
	[ "$status" -eq 7 ]
}

@test "run: process killed by a signal gives 128+signal (SIGKILL -> 137)" {
	# A pid-namespace init ignores signals it has no handler for, even SIGKILL
	# sent from inside the namespace, so `kill -9 $$` only kills the shell when
	# it is not pid 1: run this one in the host pid namespace.
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	set_cmd 'kill -9 $$; echo survived'
	run_container
	[ "$status" -eq 137 ]
	[[ "$output" != *survived* ]]
}

@test "run: container init killed from the host gives 137" {
	local id pid
	id="$(new_id)"
	set_args sleep "$LONG"
	# Background `run`; stdio to files so bats does not wait on them.
	rt run --bundle "$BUNDLE" "$id" </dev/null >"$TESTDIR/out" 2>&1 3>&- 4>&- &
	local runpid=$!
	wait_status "$id" running
	pid="$(ctr_state "$id" .pid)"
	kill -9 "$pid"
	local rc=0
	wait "$runpid" || rc=$?
	[ "$rc" -eq 137 ]
}

@test "run: stdin of the runtime is the container's stdin" {
	set_args cat
	feed_stdin() { echo piped-into-container | rt run --bundle "$BUNDLE" "$1"; }
	run --separate-stderr feed_stdin "$(new_id)"
	[ "$status" -eq 0 ]
	[ "$output" = "piped-into-container" ]
}

@test "run: the container is removed when the process exits" {
	local id
	id="$(new_id)"
	set_args true
	run --separate-stderr run_ctr "$id"
	[ "$status" -eq 0 ]
	run --separate-stderr rt state "$id"
	[ "$status" -ne 0 ]
	root_is_empty
}

@test "run: a failing container process is removed as well" {
	local id
	id="$(new_id)"
	set_cmd 'exit 3'
	run --separate-stderr run_ctr "$id"
	[ "$status" -eq 3 ]
	run --separate-stderr rt list -q
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	root_is_empty
}

@test "run --detach: leaves the container running" {
	local id
	id="$(new_id)"
	set_args sleep "$LONG"
	rt run --detach --bundle "$BUNDLE" "$id" </dev/null >"$TESTDIR/out" 2>&1 3>&- 4>&-
	[ "$(ctr_state "$id")" = running ]
	rt kill "$id" KILL
	wait_status "$id" stopped
	rt delete "$id"
	root_is_empty
}

@test "run: two containers from the same bundle one after the other" {
	# A runtime must not leave anything behind that breaks the next run.
	set_cmd 'echo run-ok'
	run_container
	[ "$status" -eq 0 ]
	[ "$output" = run-ok ]
	run_container
	[ "$status" -eq 0 ]
	[ "$output" = run-ok ]
}

@test "run: signals sent to the runtime in the foreground reach the container" {
	local id rt_pid tries=50
	id="$(new_id)"
	# The init has handlers, so TERM and HUP are delivered to it (pid 1 ignores signals it
	# has no handler for); each handler leaves a line on stdout.
	set_cmd 'trap "echo got-HUP" HUP; trap "echo got-TERM; exit 42" TERM; echo ready; while :; do sleep 0.05; done'
	# Not through `rt`: its timeout wrapper would be the process that gets the signals.
	"$RUNTIME" --root "$ROOT" run --bundle "$BUNDLE" "$id" </dev/null >"$TESTDIR/out" 2>"$TESTDIR/err" 3>&- 4>&- &
	rt_pid=$!
	until grep -q ready "$TESTDIR/out" 2>/dev/null; do
		((tries-- > 0)) || fail "container did not start: $(cat "$TESTDIR/err")"
		sleep 0.1
	done
	kill -HUP "$rt_pid"
	tries=50
	until grep -q got-HUP "$TESTDIR/out"; do
		((tries-- > 0)) || fail "HUP not forwarded: $(cat "$TESTDIR/out")"
		sleep 0.1
	done
	kill -TERM "$rt_pid"
	local status=0
	wait "$rt_pid" || status=$?
	grep -q got-TERM "$TESTDIR/out"
	[ "$status" -eq 42 ]
	root_is_empty
}

# SECURITY.md #1, CVE-2019-5736: without a pid namespace of its own the container sees the
# foreground runtime, its parent. It keeps the runtime's executable open and writes through it
# once the runtime has exited. Run with a copy of the runtime, so a vulnerable one only
# damages the copy.
@test "run: a container sharing the host's pid namespace cannot write the runtime through its parent's /proc/PID/exe (CVE-2019-5736)" {
	mkdir -p "$TESTDIR/rtbin"
	cp "$RUNTIME" "$TESTDIR/rtbin/${RUNTIME##*/}"
	RUNTIME="$TESTDIR/rtbin/${RUNTIME##*/}"
	local sha id
	sha="$(sha256sum <"$RUNTIME")"
	mkdir -m 777 "$TESTDIR/out"
	update_config '.linux.namespaces |= map(select(.type != "pid"))
		| .process.capabilities.bounding += ["CAP_SYS_PTRACE"]
		| .process.capabilities.effective += ["CAP_SYS_PTRACE"]
		| .process.capabilities.permitted += ["CAP_SYS_PTRACE"]
		| .mounts += [{"destination": "/out", "type": "bind", "source": $o, "options": ["bind"]}]' \
		--arg o "$TESTDIR/out"
	set_cmd 'exec 3</proc/$PPID/exe && echo "held $(readlink /proc/$PPID/exe)" >/out/log
		(sleep 1; echo PWNED >>/proc/self/fd/3 2>>/out/log && echo WRITE-OK >>/out/log; echo done >>/out/log) &'
	id="$(new_id)"
	# --keep: the background writer must outlive the foreground runtime.
	rt run --keep --bundle "$BUNDLE" "$id" </dev/null
	wait_for grep -q done "$TESTDIR/out/log"
	echo "log:"; cat "$TESTDIR/out/log"
	rt delete -f "$id"
	[ "$(sha256sum <"$RUNTIME")" = "$sha" ] || fail "the runtime copy $RUNTIME was modified"
	grep -q '^held' "$TESTDIR/out/log"
	! grep -q WRITE-OK "$TESTDIR/out/log"
}
