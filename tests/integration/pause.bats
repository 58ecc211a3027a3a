#!/usr/bin/env bats
# pause / resume through the cgroup freezer.

load helpers

setup() {
	common_setup
	set_args sleep "$LONG"
}

# proc_state PID — the one-letter state in /proc/PID/status (S, R, D, ...).
proc_state() { awk '/^State:/ {print $2}' "/proc/$1/status"; }

# frozen_task PID — a frozen task sleeps uninterruptibly in the freezer (D), or is
# reported stopped by the cgroup v2 freezer on some kernels.
frozen_task() { [[ "$(proc_state "$1")" == [DT] ]]; }
thawed_task() { [[ "$(proc_state "$1")" == [SR] ]]; }

@test "pause: a running container is frozen, shows paused, and resumes" {
	local id pid
	id="$(new_id)"
	start_ctr "$id"
	pid="$(ctr_state "$id" .pid)"
	wait_for thawed_task "$pid"

	rt pause "$id"
	[ "$(ctr_state "$id")" = paused ]
	wait_for frozen_task "$pid"
	sleep 0.2
	frozen_task "$pid"  # still frozen: nothing thaws it behind our back

	rt resume "$id"
	[ "$(ctr_state "$id")" = running ]
	wait_for thawed_task "$pid"
	rt delete -f "$id"
	wait_for process_gone "$pid"
	root_is_empty
}

@test "pause: resume of a container that is not paused fails; pause of a stopped one fails" {
	local id
	id="$(new_id)"
	start_ctr "$id"
	run rt resume "$id"
	[ "$status" -ne 0 ]
	rt kill "$id" KILL
	wait_status "$id" stopped
	run rt pause "$id"
	[ "$status" -ne 0 ]
	rt delete "$id"
}

@test "pause: delete -f of a paused container kills and removes it" {
	local id pid
	id="$(new_id)"
	start_ctr "$id"
	pid="$(ctr_state "$id" .pid)"
	rt pause "$id"
	[ "$(ctr_state "$id")" = paused ]
	run rt delete "$id"
	[ "$status" -ne 0 ]
	rt delete -f "$id"
	wait_for process_gone "$pid"
	root_is_empty
}
