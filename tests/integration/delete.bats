#!/usr/bin/env bats
# `delete`: stopped containers go; created, running and paused ones only
# with -f (runtime-spec; runc also deletes a created one without -f).

load helpers

setup() {
	common_setup
	# A long-running process whose command line is unique to this test.
	set_args sleep "$LONG"
}

@test "delete: a created (never started) container fails without -f and stays as it was; -f removes it" {
	local id pid
	id="$(new_id)"
	create_ctr "$id"
	pid="$(pid_of "$id")"
	if is_berth; then
		run --separate-stderr rt delete "$id"
		[ "$status" -ne 0 ] || fail "delete of a created container succeeded"
		[[ "$stderr" == *"not stopped: created"* ]] || fail "stderr: $stderr"
		[ "$(ctr_state "$id")" = created ]
		[ -d "/proc/$pid" ] || fail "the init is gone"
		# Still startable: nothing of it was touched.
		[ -p "$ROOT/$id/exec.fifo" ]
	fi
	rt delete -f "$id"
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
