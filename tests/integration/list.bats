#!/usr/bin/env bats
# `list`: table, -q and json formats.

load helpers

setup() {
	common_setup
	# A long-running process whose command line is unique to this test.
	set_args sleep "$LONG"
}

@test "list: two containers at once, list shows both" {
	local a b
	a="$(new_id)"
	b="$(new_id)"
	start_ctr "$a"
	start_ctr "$b"
	[ "$(ctr_state "$a")" = running ]
	[ "$(ctr_state "$b")" = running ]
	[ "$(pid_of "$a")" != "$(pid_of "$b")" ]

	run --separate-stderr rt list
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == ID* ]]
	grep -qE "^$a +[0-9]+ +running " <<<"$output"
	grep -qE "^$b +[0-9]+ +running " <<<"$output"

	run --separate-stderr rt list -q
	[ "$status" -eq 0 ]
	[ "$(sort <<<"$output")" = "$(printf '%s\n' "$a" "$b" | sort)" ]

	run --separate-stderr rt list --format json
	[ "$status" -eq 0 ]
	jq -e --arg a "$a" --arg b "$b" --argjson pa "$(pid_of "$a")" '
		length == 2
		and (map(select(.id == $a))[0] | .status == "running" and .pid == $pa)
		and (map(select(.id == $b))[0] | .status == "running" and .pid > 0)' <<<"$output"

	# Killing one leaves the other alone.
	rt kill "$a" KILL
	wait_status "$a" stopped
	[ "$(ctr_state "$b")" = running ]
}

@test "list: an empty root prints nothing with -q and [] as json" {
	run --separate-stderr rt list -q
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run --separate-stderr rt list --format json
	[ "$status" -eq 0 ]
	[ "$(jq -c 'if . == null then [] else . end' <<<"$output")" = "[]" ]
}
