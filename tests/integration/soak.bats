#!/usr/bin/env bats
# Soak (issue 14), short: tests/reliability/soak with 40 create/start/kill/delete cycles and 40
# runs of a short container from 4 parallel clients. Every call succeeds, nothing is left (no
# process, cgroup, mount, state dir, or fd into the work dir) and the peak RSS of each command
# is the same at the end as at the start. The full run (1000 + 1000) is the script's default.

load helpers

@test "soak: 40 cycles and 40 runs from 4 clients succeed, leave nothing, and keep berth's memory flat" {
	run "$BATS_TEST_DIRNAME/../reliability/soak" -n 40 -r 40 -j 4 -w "$TESTDIR/soak" -p "$(new_id)" -m "$LONG" "$RUNTIME"
	echo "$output"
	[ "$status" -eq 0 ] || fail "soak failed (above)"
	[[ "$output" == *"left behind: nothing"* ]]
	# All the calls were made and measured: 40 of each command of a cycle, 40 runs.
	[[ "$output" =~ create\ +40\ calls ]] && [[ "$output" =~ delete\ +40\ calls ]] && [[ "$output" =~ run\ +40\ calls ]] ||
		fail "not every call was measured"
}
