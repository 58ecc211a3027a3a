#!/usr/bin/env bats
# Commands on an id that does not exist: they fail with the "does not exist"
# phrase engines match, except delete -f, which succeeds.

load helpers

@test "missing_container: state fails with 'does not exist'" {
	run --separate-stderr rt state no-such-container
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"does not exist"* ]]
	[ -z "$output" ]
}

@test "missing_container: start, kill and delete fail" {
	local cmd
	for cmd in start kill delete; do
		run --separate-stderr rt "$cmd" no-such-container
		[ "$status" -ne 0 ] || fail "$cmd succeeded"
		# containerd and CRI-O match this phrase to tell "gone" from a real failure.
		[[ "$stderr" == *"does not exist"* ]] || fail "$cmd: no 'does not exist' in: $stderr"
	done
}

@test "missing_container: delete -f succeeds" {
	# Idempotent cleanup, as runc does: callers may retry delete -f.
	run --separate-stderr rt delete -f no-such-container
	[ "$status" -eq 0 ]
	[ -z "$stderr" ] || [[ "$stderr" != *error* ]]
	root_is_empty
}
