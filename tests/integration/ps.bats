#!/usr/bin/env bats
# `ps`: the container's processes as a table and as json.

load helpers

@test "ps: lists the container's processes" {
	local id pid
	id="$(new_id)"
	set_cmd "sleep ${LONG}1 & sleep ${LONG}2 & wait"
	start_ctr "$id"
	pid="$(pid_of "$id")"
	wait_for pgrep -f "^sleep ${LONG}2\$" >/dev/null
	local c1 c2
	c1="$(pgrep -f "^sleep ${LONG}1\$")"
	c2="$(pgrep -f "^sleep ${LONG}2\$")"

	run --separate-stderr rt ps --format json "$id"
	[ "$status" -eq 0 ]
	jq -e --argjson p "$pid" --argjson a "$c1" --argjson b "$c2" \
		'type == "array" and length == 3 and (sort == ([$p, $a, $b] | sort))' <<<"$output" ||
		fail "ps json: $output; expected $pid $c1 $c2"

	run --separate-stderr rt ps "$id"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ (^|[[:space:]])PID([[:space:]]|$) ]] || fail "no PID header: ${lines[0]}"
	# The second column of `ps -ef` is the pid.
	[ "$(awk -v p="$pid" 'NR > 1 && $2 == p' <<<"$output" | wc -l)" -eq 1 ] || fail "no row for $pid: $output"
	[ "$(awk -v p="$c1" 'NR > 1 && $2 == p' <<<"$output" | wc -l)" -eq 1 ] || fail "no row for $c1: $output"
	# Nothing but the container's three processes.
	[ "${#lines[@]}" -eq 4 ] || fail "expected a header and 3 rows: $output"
}
