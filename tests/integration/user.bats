#!/usr/bin/env bats
# .process.user: uid, gid, additional gids and umask.

load helpers

@test "user: uid, gid and additional gids from .process.user" {
	update_config '.process.user = {"uid": 1000, "gid": 1000, "additionalGids": [2000]}'
	set_args cat /proc/self/status
	run_container
	[ "$status" -eq 0 ]
	[ "$(status_line Uid)" = $'Uid:\t1000\t1000\t1000\t1000' ]
	[ "$(status_line Gid)" = $'Gid:\t1000\t1000\t1000\t1000' ]
	[[ "$(status_line Groups)" =~ ^Groups:[[:space:]]*2000[[:space:]]*$ ]]
}

@test "user: no supplementary groups unless configured" {
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	set_args cat /proc/self/status
	run_container
	[ "$status" -eq 0 ]
	[[ "$(status_line Groups)" =~ ^Groups:[[:space:]]*$ ]]
}

@test "user: umask from .process.user.umask" {
	update_config '.process.user.umask = 63' # 0077
	set_args sh -c umask
	run_container
	[ "$status" -eq 0 ]
	[ "$output" = 0077 ]
}
