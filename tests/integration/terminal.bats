#!/usr/bin/env bats
# Terminals (process.terminal, --console-socket): not supported yet, so they
# fail cleanly, naming what was asked for.  Without one, the container never
# gets the caller's terminal as its controlling terminal.

load helpers

@test "terminal: process.terminal fails with .process.terminal" {
	# Other runtimes fail too here (no console socket for create, stdin
	# is not a tty for run), just not for berth's reason.
	update_config '.process.terminal = true'
	fails_cleanly
	if is_berth; then
		[[ "$stderr" == *".process.terminal"* ]] || fail "stderr: $stderr"
	fi
}

@test "terminal: --console-socket fails" {
	# berth has no terminal support; the config has terminal false anyway.
	fails_cleanly --console-socket /x
	[ ! -e /x ]
	if is_berth; then
		[[ "$stderr" == *--console-socket* ]] || fail "stderr: $stderr"
	fi
}

@test "terminal: without process.terminal the init leads its own session, without a controlling terminal" {
	command -v script >/dev/null || skip "needs script(1) (bsdutils)"
	# The runtime runs with a pty as its controlling terminal and stdin
	# (script(1)); "cut" records that it really had one.  The container
	# reports fields 6 (session) and 7 (tty_nr) of its init's stat.
	set_cmd 'cut -d" " -f6,7 /proc/1/stat; cut -d" " -f6,7 /proc/self/stat'
	local id cmd
	id="$(new_id)"
	printf -v cmd 'cut -d" " -f7 /proc/self/stat >%q; exec timeout --kill-after=5 %q %q --root %q run --bundle %q %q >%q 2>%q' \
		"$TESTDIR/caller-tty" "$RT_TIMEOUT" "$RUNTIME" "$ROOT" "$BUNDLE" "$id" "$TESTDIR/out" "$TESTDIR/err"
	run script -qec "$cmd" /dev/null </dev/null
	[ "$status" -eq 0 ] || fail "run failed ($status): $output" "$(cat "$TESTDIR/err")"
	[ "$(cat "$TESTDIR/caller-tty")" != 0 ] || fail "the runtime had no controlling terminal"
	# pid 1 (the init) leads session 1 of its pid namespace, and so does the
	# shell's child: no terminal for either.
	[ "$(sed -n 1p "$TESTDIR/out")" = "1 0" ] || fail "init: session and tty: $(cat "$TESTDIR/out")"
	[ "$(sed -n 2p "$TESTDIR/out")" = "1 0" ] || fail "child: session and tty: $(cat "$TESTDIR/out")"
}
