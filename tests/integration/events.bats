#!/usr/bin/env bats
# `events`: --stats prints one object in runc's format (the fields containerd's runc shim and
# other clients decode), the stream reports an OOM kill and ends with the container.

load helpers

setup() {
	common_setup
	update_config '.linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 20}'
}

@test "events --stats: one runc-format stats object with the container's figures" {
	set_args sleep "$LONG"
	local id
	id="$(new_id)"
	start_ctr "$id"
	run --separate-stderr rt events --stats "$id"
	[ "$status" -eq 0 ]
	echo "$output"
	# The shape containerd's types (runc's types/events.go) decode: type, id, data.
	jq -e --arg id "$id" '.type == "stats" and .id == $id' <<<"$output"
	jq -e '.data.memory.usage.limit == 67108864 and (.data.memory.usage.usage | type == "number")
		and (.data.memory.usage.failcnt | type == "number") and (.data.memory.raw | type == "object")' <<<"$output"
	jq -e '.data.pids.current >= 1 and .data.pids.limit == 20' <<<"$output"
	jq -e '.data.cpu.usage.total > 0 and (.data.cpu.usage.user | type == "number")
		and (.data.cpu.throttling | type == "object")' <<<"$output"
	jq -e '(.data.blkio.ioServiceBytesRecursive | type == "array")' <<<"$output"
	rt kill "$id" KILL
	wait_status "$id" stopped
	run --separate-stderr rt events --stats "$id"
	[ "$status" -ne 0 ]
	if is_berth; then [[ "$stderr" == *"container not running"* ]]; fi
}

@test "events: the stream reports an OOM kill and ends when the container exits" {
	is_berth || skip "runc 1.1.5's stream goes on after the container exited"
	# dd's 200 MiB buffer is above the 64 MiB limit: the kernel kills dd, sh goes on, then exits.
	set_cmd "sleep 1; dd if=/dev/zero of=/dev/null bs=200M count=1; sleep 1"
	local id
	id="$(new_id)"
	start_ctr "$id"
	run --separate-stderr timeout 20 "$RUNTIME" --root "$ROOT" events --interval 500ms "$id"
	echo "$output" | cut -c1-200
	[ "$status" -eq 0 ]  # ended by the container's exit, not by the timeout
	grep -q "^{\"type\":\"oom\",\"id\":\"$id\"}\$" <<<"$output"
	[ "$(grep -c '"type":"stats"' <<<"$output")" -ge 2 ]
}
