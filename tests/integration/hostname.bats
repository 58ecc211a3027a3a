#!/usr/bin/env bats
# .hostname in the container's UTS namespace.

load helpers

@test "hostname: from the config" {
	update_config '.hostname = "berth-test"'
	set_cmd 'hostname; cat /proc/sys/kernel/hostname'
	run_container
	[ "$status" -eq 0 ]
	[ "$output" = $'berth-test\nberth-test' ]
}
