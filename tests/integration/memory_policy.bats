#!/usr/bin/env bats
# linux.memoryPolicy: the NUMA policy of the container process.

load helpers

@test "memory_policy: MPOL_BIND to node 0 shows in numa_maps" {
	[ -e /proc/self/numa_maps ] || skip "kernel without NUMA"
	update_config '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0"}'
	set_args cat /proc/self/numa_maps
	run_container
	echo "$output" | head -3
	[ "$status" -eq 0 ]
	grep -q ' bind:0 ' <<<"$output"
}

@test "memory_policy: an unknown mode names its JSON path" {
	update_config '.linux.memoryPolicy = {"mode": "MPOL_FAST", "nodes": "0"}'
	run_container
	[ "$status" -ne 0 ]
	is_berth && [[ "$stderr" == *".linux.memoryPolicy.mode: unknown memory policy mode"* ]]
	root_is_empty
}
