#!/usr/bin/env bats
# create / start / state / kill / delete / list.

load helpers

setup() {
	common_setup
	# A long-running process whose command line is unique to this test.
	set_args sleep "$LONG"
}

# pid_of ID — the init pid reported by `state`.
pid_of() { ctr_state "$1" .pid; }

# sleepers N — exactly N "sleep $LONG" processes exist.
sleepers() { [ "$(pgrep -fc "^sleep $LONG")" -eq "$1" ]; }

@test "lifecycle: create, start, kill, delete" {
	local id pid
	id="$(new_id)"

	create_ctr "$id" --pid-file "$TESTDIR/pidfile"
	[ "$(ctr_state "$id")" = created ]
	pid="$(pid_of "$id")"
	[ "$pid" -gt 0 ]
	[ "$(cat "$TESTDIR/pidfile")" = "$pid" ]
	[ -d "/proc/$pid" ]
	# Created means "not yet running the user's process".
	[[ "$(cmdline_of "$pid")" != *"sleep $LONG"* ]]

	rt start "$id"
	[ "$(ctr_state "$id")" = running ]
	[ "$(pid_of "$id")" = "$pid" ]
	is_sleeping() { [[ "$(cmdline_of "$pid")" == "sleep $LONG " ]]; }
	wait_for is_sleeping

	rt kill "$id" KILL
	wait_status "$id" stopped
	wait_for process_gone "$pid"

	rt delete "$id"
	run --separate-stderr rt state "$id"
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"does not exist"* ]]
	root_is_empty
}

@test "lifecycle: state JSON has the OCI fields" {
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

@test "lifecycle: relative --pid-file is relative to the caller's cwd" {
	local id
	id="$(new_id)"
	cd "$TESTDIR"
	create_ctr "$id" --pid-file rel.pid
	[ "$(cat "$TESTDIR/rel.pid")" = "$(pid_of "$id")" ]
}

@test "lifecycle: delete of a created (never started) container" {
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

@test "lifecycle: delete of a running container fails without -f" {
	local id
	id="$(new_id)"
	start_ctr "$id"
	run --separate-stderr rt delete "$id"
	[ "$status" -ne 0 ]
	[ "$(ctr_state "$id")" = running ]
}

@test "lifecycle: delete -f of a running container kills and removes it" {
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

@test "lifecycle: container killed from the host shows stopped and deletes" {
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

@test "lifecycle: start on a running container fails" {
	local id
	id="$(new_id)"
	start_ctr "$id"
	run --separate-stderr rt start "$id"
	[ "$status" -ne 0 ]
	[ "$(ctr_state "$id")" = running ]
}

@test "lifecycle: start on a stopped container fails" {
	local id
	id="$(new_id)"
	start_ctr "$id"
	rt kill "$id" KILL
	wait_status "$id" stopped
	run --separate-stderr rt start "$id"
	[ "$status" -ne 0 ]
}

@test "lifecycle: create with an existing id fails and keeps the first one" {
	local id pid
	id="$(new_id)"
	create_ctr "$id"
	pid="$(pid_of "$id")"
	run --separate-stderr rt create --bundle "$BUNDLE" "$id" </dev/null
	[ "$status" -ne 0 ]
	[[ "$stderr" == *exists* ]]
	[ "$(ctr_state "$id")" = created ]
	[ "$(pid_of "$id")" = "$pid" ]
	# And it still starts.
	rt start "$id"
	[ "$(ctr_state "$id")" = running ]
}

@test "lifecycle: kill accepts TERM, SIGTERM and 15" {
	# pid 1 of a namespace only receives signals it handles: trap TERM and
	# report it, so we know the container really got the signal.
	set_cmd "trap 'echo got-TERM; exit 42' TERM; sleep $LONG & wait"
	local sig id
	for sig in TERM SIGTERM 15; do
		id="$(new_id)"
		start_ctr "$id"
		# The trap is set before the first `sleep` runs.
		wait_for pgrep -f "^sleep $LONG" >/dev/null
		rt kill "$id" "$sig"
		wait_status "$id" stopped
		[ "$(ctr_out "$id")" = got-TERM ] || fail "signal $sig: got '$(ctr_out "$id")'"
		rt delete "$id"
	done
}

@test "lifecycle: kill without a signal sends SIGTERM" {
	set_cmd "trap 'echo got-TERM; exit 0' TERM; sleep $LONG & wait"
	local id
	id="$(new_id)"
	start_ctr "$id"
	wait_for pgrep -f "^sleep $LONG" >/dev/null
	rt kill "$id"
	wait_status "$id" stopped
	[ "$(ctr_out "$id")" = got-TERM ]
}

@test "lifecycle: kill --all signals every process of the container" {
	# Two children plus an init that ignores TERM (no handler, pid 1): only
	# --all reaches the children.  init then sees `wait` return and exits.
	set_cmd "sleep $LONG & sleep $LONG & wait; echo children-gone"
	local id
	id="$(new_id)"
	start_ctr "$id"
	wait_for sleepers 2
	rt kill --all "$id" TERM
	wait_status "$id" stopped
	[ "$(ctr_out "$id")" = children-gone ]
	[ -z "$(pgrep -f "sleep $LONG")" ]
}

@test "lifecycle: kill of a stopped container fails" {
	local id
	id="$(new_id)"
	start_ctr "$id"
	rt kill "$id" KILL
	wait_status "$id" stopped
	run --separate-stderr rt kill "$id" KILL
	[ "$status" -ne 0 ]
}

@test "lifecycle: two containers at once, list shows both" {
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

@test "lifecycle: list on an empty root prints nothing with -q and [] as json" {
	run --separate-stderr rt list -q
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run --separate-stderr rt list --format json
	[ "$status" -eq 0 ]
	[ "$(jq -c 'if . == null then [] else . end' <<<"$output")" = "[]" ]
}

@test "lifecycle: no runtime process stays behind as the container's parent" {
	# Like runc, the runtime exits after `start`; the init is re-parented.
	local id pid ppid exe
	id="$(new_id)"
	start_ctr "$id"
	pid="$(pid_of "$id")"
	ppid="$(awk '{ print $4 }' "/proc/$pid/stat")"
	exe="$(readlink "/proc/$ppid/exe" || true)"
	[ "$exe" != "$(readlink -f "$RUNTIME")" ] || fail "parent $ppid of the container is the runtime"
}
