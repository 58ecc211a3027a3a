#!/usr/bin/env bats
# Runs last (run-all.sh and `bats tests/integration` sort it last): the whole
# run left nothing behind on the host.  Each test's teardown already checks
# its own leftovers; this catches anything that slipped between them.

load helpers

# Nothing of our own to set up: these tests only look at the host.
setup() { :; }
teardown() { :; }

@test "cleanup: no container process of this run is left" {
	run pgrep -af "sleep $MARKER_PREFIX"
	[ -z "$output" ]
}

@test "cleanup: nothing is mounted under the run's temp dir" {
	[ -z "$(mounts_under "$BATS_RUN_TMPDIR")" ]
	[[ "$(cat /proc/self/mountinfo)" != *berth-it-* ]]
}

@test "cleanup: no cgroup named after a container of this run" {
	[ -z "$(find /sys/fs/cgroup -maxdepth 4 -type d -name "$ID_PREFIX-*" 2>/dev/null)" ]
}

@test "cleanup: no host path created by the security tests is left" {
	local leftovers=(/tmp/berth-it-*-"$RUN_TAG"-*)
	[ ! -e "${leftovers[0]}" ] && [ ! -L "${leftovers[0]}" ]
}

@test "cleanup: every test's state dir is empty or gone" {
	local d
	for d in "$BATS_RUN_TMPDIR"/test/*/state; do
		[ -e "$d" ] || continue
		[ -z "$(ls -A "$d")" ] || fail "$d: $(ls -A "$d")"
	done
}
