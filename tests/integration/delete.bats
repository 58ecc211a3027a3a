#!/usr/bin/env bats
# `delete`: created and stopped containers go, a running one only with -f.

load helpers

setup() {
	common_setup
	# A long-running process whose command line is unique to this test.
	set_args sleep "$LONG"
}

@test "delete: a created (never started) container" {
	local id pid
	id="$(new_id)"
	create_ctr "$id"
	pid="$(pid_of "$id")"
	rt delete "$id"
	run --separate-stderr rt state "$id"
	[ "$status" -ne 0 ]
	wait_for process_gone "$pid"
	root_is_empty
}

@test "delete: a running container fails without -f" {
	local id
	id="$(new_id)"
	start_ctr "$id"
	run --separate-stderr rt delete "$id"
	[ "$status" -ne 0 ]
	[ "$(ctr_state "$id")" = running ]
}

@test "delete: -f of a running container kills and removes it" {
	local id pid
	id="$(new_id)"
	start_ctr "$id"
	pid="$(pid_of "$id")"
	rt delete -f "$id"
	run --separate-stderr rt state "$id"
	[ "$status" -ne 0 ]
	wait_for process_gone "$pid"
	root_is_empty
}
