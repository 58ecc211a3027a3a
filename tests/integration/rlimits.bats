#!/usr/bin/env bats
# .process.rlimits.

load helpers

@test "rlimits: from the config (RLIMIT_NOFILE 1024)" {
	set_cmd 'ulimit -Sn; ulimit -Hn'
	run_container
	[ "$status" -eq 0 ]
	[ "$output" = $'1024\n1024' ]
}

@test "rlimits: soft and hard are set separately" {
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 512, "hard": 2048}]'
	set_cmd 'ulimit -Sn; ulimit -Hn'
	run_container
	[ "$status" -eq 0 ]
	[ "$output" = $'512\n2048' ]
}

@test "rlimits: one the kernel refuses fails the container start" {
	# A hard NOFILE limit above fs.nr_open is refused even with
	# CAP_SYS_RESOURCE, so this fails on any host.
	local nr_open
	nr_open="$(cat /proc/sys/fs/nr_open)"
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 1024, "hard": $h}]' \
		--argjson h "$((nr_open + 1))"
	set_cmd 'echo container-ran'
	run_container
	[ "$status" -ne 0 ]
	[[ "$output" != *container-ran* ]]
	if is_berth; then
		[[ "$stderr" == *NOFILE* ]]
	fi
	root_is_empty
}
