#!/usr/bin/env bats
# `start`: only a created container starts, and the runtime does not stay
# behind as the container's parent.

load helpers

setup() {
	common_setup
	# A long-running process whose command line is unique to this test.
	set_args sleep "$LONG"
}

@test "start: on a running container fails" {
	local id
	id="$(new_id)"
	start_ctr "$id"
	run --separate-stderr rt start "$id"
	[ "$status" -ne 0 ]
	[ "$(ctr_state "$id")" = running ]
}

@test "start: on a stopped container fails" {
	local id
	id="$(new_id)"
	start_ctr "$id"
	rt kill "$id" KILL
	wait_status "$id" stopped
	run --separate-stderr rt start "$id"
	[ "$status" -ne 0 ]
}

@test "start: no runtime process stays behind as the container's parent" {
	# Like runc, the runtime exits after `start`; the init is re-parented.
	local id pid ppid exe
	id="$(new_id)"
	start_ctr "$id"
	pid="$(pid_of "$id")"
	ppid="$(awk '{ print $4 }' "/proc/$pid/stat")"
	exe="$(readlink "/proc/$ppid/exe" || true)"
	[ "$exe" != "$(readlink -f "$RUNTIME")" ] || fail "parent $ppid of the container is the runtime"
}
