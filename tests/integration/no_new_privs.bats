#!/usr/bin/env bats
# .process.noNewPrivileges.

load helpers

@test "no_new_privs: noNewPrivileges true sets NoNewPrivs" {
	set_args cat /proc/self/status
	run_container
	[ "$status" -eq 0 ]
	[ "$(status_line NoNewPrivs)" = $'NoNewPrivs:\t1' ]
}

@test "no_new_privs: noNewPrivileges false leaves NoNewPrivs clear" {
	update_config '.process.noNewPrivileges = false'
	set_args cat /proc/self/status
	run_container
	[ "$status" -eq 0 ]
	[ "$(status_line NoNewPrivs)" = $'NoNewPrivs:\t0' ]
}
