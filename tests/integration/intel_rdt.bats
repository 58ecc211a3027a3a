#!/usr/bin/env bats
# linux.intelRdt: refused clearly where the host has no resctrl filesystem (this one has none).

load helpers

@test "intel_rdt: without resctrl the create fails saying so" {
	[ ! -e /sys/fs/resctrl/schemata ] || skip "host has resctrl"
	update_config '.linux.intelRdt = {"closID": "c1", "l3CacheSchema": "L3:0=ff"}'
	run_container
	[ "$status" -ne 0 ]
	is_berth && [[ "$stderr" == *".linux.intelRdt: Intel RDT is not available on this host"* ]]
	root_is_empty
}
