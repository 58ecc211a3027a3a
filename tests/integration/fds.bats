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
