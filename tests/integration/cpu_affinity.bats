#!/usr/bin/env bats
# process.execCPUAffinity: the CPUs the container process may run on.

load helpers

@test "cpu_affinity: final affinity is what the process sees" {
	update_config '.process.execCPUAffinity = {"initial": "0-1", "final": "0"}'
	set_cmd 'grep Cpus_allowed_list /proc/self/status'
	run_container
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *$'Cpus_allowed_list:\t0' ]]
}

@test "cpu_affinity: a bad CPU list names its JSON path" {
	update_config '.process.execCPUAffinity = {"final": "3-1"}'
	run_container
	[ "$status" -ne 0 ]
	is_berth && [[ "$stderr" == *".process.execCPUAffinity.final: invalid CPU list"* ]]
	root_is_empty
}
