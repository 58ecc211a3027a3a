#!/usr/bin/env bats
# process.scheduler and process.ioPriority, as the container process sees them.

load helpers

# stat_field N — field N of the container's "/proc/self/stat" line in $output.
stat_field() {
	local rest="${output##*) }"
	local -a f
	read -ra f <<<"$rest"
	printf '%s\n' "${f[$(($1 - 3))]}"
}

@test "scheduler: SCHED_BATCH with nice 7" {
	update_config '.process.scheduler = {"policy": "SCHED_BATCH", "nice": 7}'
	set_args cat /proc/self/stat
	run_container
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(stat_field 19)" = 7 ] # nice
	[ "$(stat_field 41)" = 3 ] # SCHED_BATCH
}

@test "scheduler: SCHED_FIFO with a real-time priority" {
	# With RT group scheduling (this host's v1 cpu controller) a new cgroup gets no real-time
	# runtime (cpu.rt_runtime_us 0) until linux.resources.cpu.realtimeRuntime gives it some,
	# so this runs without a cgroup of its own (berth's --cgroup-manager=disabled).
	is_berth || skip "berth's --cgroup-manager"
	update_config '.process.scheduler = {"policy": "SCHED_FIFO", "priority": 5}'
	set_args cat /proc/self/stat
	run --separate-stderr rt --cgroup-manager=disabled run --bundle "$BUNDLE" "$(new_id)" </dev/null
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(stat_field 41)" = 1 ]  # SCHED_FIFO
	[ "$(stat_field 40)" = 5 ]  # rt_priority
}

@test "scheduler: an unknown policy or flag names its JSON path" {
	update_config '.process.scheduler = {"policy": "SCHED_FAST"}'
	run_container
	[ "$status" -ne 0 ]
	is_berth && [[ "$stderr" == *".process.scheduler.policy: unknown scheduler policy"* ]]
	update_config '.process.scheduler = {"policy": "SCHED_OTHER", "flags": ["SCHED_FLAG_NOPE"]}'
	run_container
	[ "$status" -ne 0 ]
	is_berth && [[ "$stderr" == *".process.scheduler.flags[0]: unknown scheduler flag"* ]]
	root_is_empty
}

@test "scheduler: ioPriority best-effort level 6" {
	update_config '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 6}'
	set_cmd 'ionice -p $$'
	run_container
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"best-effort"*"6"* ]]
}
