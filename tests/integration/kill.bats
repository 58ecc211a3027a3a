#!/usr/bin/env bats
# `kill`: signal names and numbers, the default signal, --all (with and
# without a pid namespace), and a stopped container.

load helpers

setup() {
	common_setup
	# A long-running process whose command line is unique to this test.
	set_args sleep "$LONG"
}

# sleepers N — exactly N "sleep $LONG" processes exist.
sleepers() { [ "$(pgrep -fc "^sleep $LONG")" -eq "$1" ]; }

@test "kill: accepts TERM, SIGTERM and 15" {
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

@test "kill: without a signal sends SIGTERM" {
	set_cmd "trap 'echo got-TERM; exit 0' TERM; sleep $LONG & wait"
	local id
	id="$(new_id)"
	start_ctr "$id"
	wait_for pgrep -f "^sleep $LONG" >/dev/null
	rt kill "$id"
	wait_status "$id" stopped
	[ "$(ctr_out "$id")" = got-TERM ]
}

@test "kill: --all signals every process of the container" {
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

@test "kill: --all without a pid namespace kills every process" {
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	set_cmd "echo \$\$; readlink /proc/self/ns/pid; sleep ${LONG}1 & sleep ${LONG}2 & wait"
	local id pid c1 c2
	id="$(new_id)"
	start_ctr "$id"
	pid="$(pid_of "$id")"
	wait_for pgrep -f "^sleep ${LONG}2\$" >/dev/null
	c1="$(pgrep -f "^sleep ${LONG}1\$")"
	c2="$(pgrep -f "^sleep ${LONG}2\$")"
	# The container is in the host's pid namespace: it sees its host pid.
	[ "$(ctr_out "$id" | sed -n 1p)" = "$pid" ]
	[ "$(ctr_out "$id" | sed -n 2p)" = "$(readlink /proc/self/ns/pid)" ]

	rt kill --all "$id" KILL
	wait_for process_gone "$c1"
	wait_for process_gone "$c2"
	wait_for process_gone "$pid"
	wait_status "$id" stopped
	rt delete "$id"
	root_is_empty
}

@test "kill: of a stopped container fails" {
	local id
	id="$(new_id)"
	start_ctr "$id"
	rt kill "$id" KILL
	wait_status "$id" stopped
	run --separate-stderr rt kill "$id" KILL
	[ "$status" -ne 0 ]
}

@test "kill: signal 0 checks that the container runs, with and without --all" {
	local id pid
	id="$(new_id)"
	start_ctr "$id"
	pid="$(pid_of "$id")"
	rt kill "$id" 0
	rt kill --all "$id" 0
	rt kill -a "$id" 0
	# Nothing was signalled.
	[ "$(ctr_state "$id")" = running ]
	! process_gone "$pid"

	rt kill "$id" KILL
	wait_status "$id" stopped
	run --separate-stderr rt kill "$id" 0
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"container not running"* ]] || fail "kill 0: $stderr"
	# runc 1.1 answers 0 here: --all of a stopped container signals nobody.
	run --separate-stderr rt kill --all "$id" 0
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"container not running"* ]] || fail "kill --all 0: $stderr"
}
