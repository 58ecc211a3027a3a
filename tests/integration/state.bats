#!/usr/bin/env bats
# `state`: the runtime-spec state JSON, a container whose init died shows
# stopped, and `state` does not wait for another command's lock.

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

# lock_held DIR — another process holds an exclusive flock on DIR.
lock_held() { ! flock -n -s "$1" true; }

# Expected to FAIL until `state` and `list` stop taking the container's exclusive lock
# (berth's state store is being changed for that); not to be skipped or weakened.
@test "state: answers while another process holds the container's lock" {
	local id holder
	id="$(new_id)"
	create_ctr "$id"
	[ -d "$ROOT/$id" ]
	# The runtime locks the container's state dir itself (flock on the directory's fd), as a
	# command that changes the container would: `state` and `list` only read.  -o: only
	# flock holds the lock, so killing it releases the lock.
	flock -o -x "$ROOT/$id" sleep 5 </dev/null >/dev/null 2>&1 3>&- 4>&- &
	holder=$!
	wait_for lock_held "$ROOT/$id"

	run --separate-stderr timeout 2 "$RUNTIME" --root "$ROOT" state "$id"
	[ "$status" -eq 0 ] || fail "state while locked: status $status (124: timed out): $stderr"
	[ "$(jq -r .status <<<"$output")" = created ]
	run --separate-stderr timeout 2 "$RUNTIME" --root "$ROOT" list --format json
	[ "$status" -eq 0 ] || fail "list while locked: status $status (124: timed out): $stderr"
	jq -e --arg id "$id" 'map(select(.id == $id)) | length == 1 and .[0].status == "created"' <<<"$output"

	kill "$holder"
	wait "$holder" || true
}
