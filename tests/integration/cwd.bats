#!/usr/bin/env bats
# .process.cwd (and exec --cwd), including a cwd of /proc/self/fd/N that must
# not reach a host directory (SECURITY.md #6, CVE-2024-21626).

load helpers

# escaped_cwd_cmd HOSTDIR — container command: print the cwd's entries and
# the entries of ../../../../../../tmp (the host's /tmp if the cwd is a
# host directory, since .. never stops at the container root then).
escaped_cwd_cmd() {
	printf '%s' 'ls -a . 2>&1; ls -a ../../../../../../../../tmp 2>&1; echo end'
}

@test "cwd: from the config" {
	update_config '.process.cwd = "/tmp"'
	set_args pwd
	run_container
	[ "$status" -eq 0 ]
	[ "$output" = /tmp ]
}

@test "cwd: process.cwd /proc/self/fd/N does not reach the host (CVE-2024-21626)" {
	local host n
	new_host_dir host cwd-target
	touch "$host/host-only-file"
	set_cmd "$(escaped_cwd_cmd)"
	# Control: the bundle runs, and the check sees the cwd's entries.
	run run_ctr "$(new_id)"
	[ "$status" -eq 0 ]
	[[ "$output" == *bin*end ]]
	# Extra host fds in the harness: / and the host dir.
	exec 7</ 8<"$host"
	for n in 3 4 5 6 7 8 9 10; do
		update_config '.process.cwd = $c' --arg c "/proc/self/fd/$n"
		run run_ctr "$(new_id)"
		echo "cwd fd $n: status=$status"$'\n'"$output"
		if [[ "$output" == *host-only-file* || "$output" == *"${host##*/}"* ]]; then
			exec 7<&- 8<&-
			fail "cwd /proc/self/fd/$n reached the host"
			return 1
		fi
	done
	exec 7<&- 8<&-
	rm "$host/host-only-file"
	host_untouched "$host"
	root_is_empty
}

@test "cwd: exec --cwd /proc/self/fd/N does not reach the host (CVE-2024-21626)" {
	local host n id
	new_host_dir host exec-cwd-target
	touch "$host/host-only-file"
	set_args sleep "$LONG"
	id="$(new_id)"
	start_ctr "$id"
	# Control: exec works at all (berth has no `exec` subcommand yet).
	run rt exec "$id" true </dev/null
	if [ "$status" -ne 0 ] && [[ "$output" == *"unknown command"* ]]; then
		skip "the runtime has no exec subcommand: $output"
	fi
	[ "$status" -eq 0 ]
	exec 7</ 8<"$host"
	for n in 3 4 5 6 7 8 9 10; do
		run rt exec --cwd "/proc/self/fd/$n" "$id" sh -c "$(escaped_cwd_cmd)" </dev/null
		echo "exec --cwd fd $n: status=$status"$'\n'"$output"
		if [[ "$output" == *host-only-file* || "$output" == *"${host##*/}"* ]]; then
			exec 7<&- 8<&-
			fail "exec --cwd /proc/self/fd/$n reached the host"
			return 1
		fi
	done
	exec 7<&- 8<&-
	rt delete -f "$id"
	rm "$host/host-only-file"
	host_untouched "$host"
}
