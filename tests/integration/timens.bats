#!/usr/bin/env bats
# The time namespace and linux.timeOffsets (monotonic, boottime), written before the init is
# forked into it: the only moment the kernel takes them.

load helpers

# host_uptime — whole seconds of the host's boottime clock.
host_uptime() { cut -d. -f1 /proc/uptime; }

@test "timens: boottime and monotonic offsets are what the container sees" {
	update_config '.linux.namespaces += [{"type": "time"}]
		| .linux.timeOffsets = {"boottime": {"secs": 1000, "nanosecs": 0},
		                        "monotonic": {"secs": 500, "nanosecs": 250000000}}'
	set_cmd 'cat /proc/self/timens_offsets; cut -d. -f1 /proc/uptime; readlink /proc/self/ns/time'
	local before after
	before="$(host_uptime)"
	run_container
	after="$(host_uptime)"
	[ "$status" -eq 0 ] || fail "container failed ($status): $output" "$stderr"
	# /proc/self/timens_offsets: "<clock> <secs> <nanosecs>", monotonic first.
	[ "$(awk '{ $1 = $1; print }' <<<"${lines[0]}")" = "monotonic 500 250000000" ]
	[ "$(awk '{ $1 = $1; print }' <<<"${lines[1]}")" = "boottime 1000 0" ]
	# /proc/uptime follows boottime: 1000 s ahead of the host's.
	local inside="${lines[2]}"
	((inside >= before + 1000 && inside <= after + 1000)) ||
		fail "uptime inside $inside, host $before..$after: not 1000 s ahead"
	[ "${lines[3]}" != "$(host_ns time)" ]
}

@test "timens: a new time namespace without offsets runs at the host's clocks" {
	update_config '.linux.namespaces += [{"type": "time"}]'
	set_cmd 'cat /proc/self/timens_offsets; readlink /proc/self/ns/time'
	run_container
	[ "$status" -eq 0 ] || fail "container failed ($status): $output" "$stderr"
	[ "$(awk '{ $1 = $1; print }' <<<"${lines[0]}")" = "monotonic 0 0" ]
	[ "${lines[2]}" != "$(host_ns time)" ]
}

@test "timens: offsets with a user namespace (the time namespace belongs to it)" {
	setup_userns_bundle
	update_config '.linux.namespaces += [{"type": "time"}]
		| .linux.timeOffsets = {"boottime": {"secs": 86400, "nanosecs": 0}}'
	set_cmd 'id -u; cut -d. -f1 /proc/uptime'
	local before
	before="$(host_uptime)"
	run_container
	[ "$status" -eq 0 ] || fail "container failed ($status): $output" "$stderr"
	[ "${lines[0]}" = 0 ]
	((lines[1] >= before + 86400)) || fail "uptime inside ${lines[1]}, host $before"
}

@test "timens: exec joins the container's time namespace and sees its offsets" {
	update_config '.linux.namespaces += [{"type": "time"}]
		| .linux.timeOffsets = {"boottime": {"secs": 5000, "nanosecs": 0}}'
	set_cmd "exec sleep $LONG"
	local id before
	id="$(new_id)"
	start_ctr "$id"
	before="$(host_uptime)"
	run --separate-stderr rt exec "$id" sh -c 'readlink /proc/self/ns/time; cut -d. -f1 /proc/uptime'
	[ "$status" -eq 0 ] || fail "exec failed ($status): $output" "$stderr"
	[ "${lines[0]}" = "$(readlink "/proc/$(pid_of "$id")/ns/time")" ]
	((lines[1] >= before + 5000)) || fail "uptime in exec ${lines[1]}, host $before"
}

@test "timens: offsets without a time namespace are refused" {
	update_config '.linux.timeOffsets = {"boottime": {"secs": 10, "nanosecs": 0}}'
	run_fails
	if is_berth; then [[ "$stderr" == *".linux.timeOffsets"* ]] || fail "no JSON path in: $stderr"; fi
}
