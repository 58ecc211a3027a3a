#!/usr/bin/env bats
# File descriptors the container gets: stdio only, plus --preserve-fds N.

load helpers

@test "fds: only fds 0, 1 and 2 reach the container" {
	# The harness holds extra fds (bats' 3 and 4, and our 5): none may leak.
	exec 5</dev/null
	# `; :` keeps sh from exec'ing ls, whose own directory fd would show.
	set_cmd 'ls /proc/$$/fd; :'
	run_container
	exec 5<&-
	[ "$status" -eq 0 ]
	[ "$output" = $'0\n1\n2' ]
}

@test "fds: --preserve-fds 1 passes exactly fd 3" {
	echo fd3-content >"$TESTDIR/fd3"
	exec 5</dev/null
	run_preserving() {
		rt run --preserve-fds 1 --bundle "$BUNDLE" "$1" </dev/null 3<"$TESTDIR/fd3"
	}
	set_cmd 'ls /proc/$$/fd; cat <&3'
	run --separate-stderr run_preserving "$(new_id)"
	exec 5<&-
	[ "$status" -eq 0 ]
	[ "$output" = $'0\n1\n2\n3\nfd3-content' ]
}

@test "fds: socket activation: LISTEN_FDS fds come first, with LISTEN_FDS and LISTEN_PID=1 set" {
	echo listen-fd >"$TESTDIR/fd3"
	echo preserved-fd >"$TESTDIR/fd4"
	# LISTEN_PID must be the runtime's own pid (sd_listen_fds), so the runtime is exec'd by a
	# shell that sets it to its own pid first.
	run_activated() {
		RUNTIME_ARGS="--root $ROOT run --preserve-fds 1 --bundle $BUNDLE $1" \
			bash -c 'export LISTEN_PID=$$ LISTEN_FDS=1; exec "$RUNTIME" $RUNTIME_ARGS' \
			</dev/null 3<"$TESTDIR/fd3" 4<"$TESTDIR/fd4"
	}
	# The listing first: busybox sh may hold an fd of its own once it ran a builtin.
	set_cmd 'ls /proc/$$/fd; echo "$LISTEN_FDS $LISTEN_PID"; cat <&3; cat <&4'
	run --separate-stderr run_activated "$(new_id)"
	[ "$status" -eq 0 ] || fail "$stderr"
	[ "$output" = $'0\n1\n2\n3\n4\n1 1\nlisten-fd\npreserved-fd' ] || fail "$output"
	# Not for the runtime (another pid): nothing is passed on.
	run_other() {
		LISTEN_PID=1 LISTEN_FDS=1 rt run --bundle "$BUNDLE" "$1" </dev/null 3<"$TESTDIR/fd3"
	}
	set_cmd 'ls /proc/$$/fd; echo "${LISTEN_FDS:-unset}"'
	run --separate-stderr run_other "$(new_id)"
	[ "$status" -eq 0 ] || fail "$stderr"
	[ "$output" = $'0\n1\n2\nunset' ] || fail "$output"
}

@test "fds: a created container's init holds none of the caller's fds until start" {
	# berth's init is a clone of berth: without closing them it would keep what the caller
	# left open (here fd 7, like a caller's lock) until `start`, perhaps for ever.
	echo kept >"$TESTDIR/fd3"
	exec 7>"$TESTDIR/held"
	id="$(new_id)"
	set_cmd 'ls /proc/$$/fd; cat <&3'
	rt create --preserve-fds 1 --bundle "$BUNDLE" "$id" \
		</dev/null >"$TESTDIR/$id.out" 2>"$TESTDIR/$id.err" 3<"$TESTDIR/fd3"
	status=$?
	exec 7>&-
	[ "$status" -eq 0 ] || fail "create: $(ctr_err "$id")"
	pid="$(pid_of "$id")"
	held=
	for f in /proc/"$pid"/fd/*; do
		t="$(readlink "$f")" || continue
		[[ "$t" == "$TESTDIR/held" ]] && held="$f"
		[[ "$t" == "$TESTDIR/fd3" ]] && kept="$f"
	done
	[ -z "$held" ] || fail "the created init still holds the caller's fd: $held"
	[ "${kept:-}" = "/proc/$pid/fd/3" ] || fail "the preserved fd 3 is gone before start (${kept:-none})"
	rt start "$id"
	wait_status "$id" stopped
	[ "$(ctr_out "$id")" = $'0\n1\n2\n3\nkept' ] || fail "$(ctr_out "$id")"
	rt delete "$id"
}
