#!/usr/bin/env bats
# linux.seccomp: berth does not filter syscalls yet, so a config asking for it
# fails with its JSON path instead of running unfiltered.

load helpers

@test "seccomp: fails with .linux.seccomp" {
	is_berth || skip "berth does not do seccomp yet; other runtimes do"
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW"}'
	fails_cleanly
	if is_berth; then
		[[ "$stderr" == *".linux.seccomp"* ]] || fail "stderr: $stderr"
	fi
}
