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

@test "ps: every argument after the id goes to ps(1), and only the container's rows are kept" {
	local id pid
	id="$(new_id)"
	set_args sleep "$LONG"
	start_ctr "$id"
	pid="$(pid_of "$id")"

	# Flags berth does not know itself (-e, -x) reach ps.
	run --separate-stderr rt ps "$id" -e -x
	[ "$status" -eq 0 ] || fail "ps -e -x failed ($status): $stderr"
	read -ra header <<<"${lines[0]}"
	[ "${header[0]}" = PID ] && [ "${header[1]}" = TTY ] && [ "${header[2]}" = STAT ] ||
		fail "not the header of ps -e -x: ${lines[0]}"
	[ "${#lines[@]}" -eq 2 ] || fail "expected a header and 1 row: $output"
	[ "$(awk '{ print $1 }' <<<"${lines[1]}")" = "$pid" ] || fail "row: ${lines[1]}"

	# A flag with a value; the PID column need not come second.
	run --separate-stderr rt ps "$id" -o comm,pid
	[ "$status" -eq 0 ] || fail "ps -o comm,pid failed ($status): $stderr"
	[ "$(awk '{ $1 = $1; print }' <<<"${lines[0]}")" = "COMMAND PID" ] || fail "header: ${lines[0]}"
	[ "${#lines[@]}" -eq 2 ] || fail "expected a header and 1 row: $output"
	[ "$(awk '{ $1 = $1; print }' <<<"${lines[1]}")" = "sleep $pid" ] || fail "row: ${lines[1]}"

	# -f after the id is ps's (full format), not --format.
	run --separate-stderr rt ps "$id" -f -e
	[ "$status" -eq 0 ] || fail "ps -f -e failed ($status): $stderr"
	[[ "${lines[0]}" == UID*PID*PPID* ]] || fail "header: ${lines[0]}"
	[ "${#lines[@]}" -eq 2 ] || fail "expected a header and 1 row: $output"
}

@test "ps: of a stopped container prints only the header, or an empty array" {
	local id
	id="$(new_id)"
	set_args true
	start_ctr "$id"
	wait_status "$id" stopped

	run --separate-stderr rt ps "$id"
	[ "$status" -eq 0 ] || fail "ps failed ($status): $stderr"
	[ "${#lines[@]}" -eq 1 ] || fail "expected the header only: $output"
	[[ "${lines[0]}" =~ (^|[[:space:]])PID([[:space:]]|$) ]] || fail "no PID header: ${lines[0]}"

	run --separate-stderr rt ps --format json "$id"
	[ "$status" -eq 0 ] || fail "ps --format json failed ($status): $stderr"
	# runc 1.1 prints null (Go's nil slice); berth an empty array.
	jq -e '(. // []) | type == "array" and length == 0' <<<"$output" || fail "ps json: $output"
	if is_berth; then [ "$output" = "[]" ]; fi
}
