#!/usr/bin/env bats
# `state`: the runtime-spec state JSON, and a container whose init died shows
# stopped.

load helpers

setup() {
	common_setup
	# A long-running process whose command line is unique to this test.
	set_args sleep "$LONG"
}

@test "state: JSON has the OCI fields" {
	local id
	id="$(new_id)"
	create_ctr "$id"
	run --separate-stderr rt state "$id"
	[ "$status" -eq 0 ]
	jq -e --arg id "$id" --arg b "$BUNDLE" '
		(.ociVersion | type == "string")
		and .id == $id
		and (.pid | type == "number") and .pid > 0
		and .status == "created"
		and .bundle == $b
		and (.rootfs == ($b + "/rootfs") or .rootfs == "rootfs")
		and (.created | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T"))' <<<"$output"
}

@test "state: container killed from the host shows stopped and deletes" {
	local id pid
	id="$(new_id)"
	start_ctr "$id"
	pid="$(pid_of "$id")"
	kill -9 "$pid"
	wait_status "$id" stopped
	rt delete "$id"
	run --separate-stderr rt state "$id"
	[ "$status" -ne 0 ]
	root_is_empty
}

