#!/usr/bin/env bats
# `features`: the runtime-spec features document.

load helpers

@test "features: lists versions and every namespace type" {
	run --separate-stderr rt_raw features
	[ "$status" -eq 0 ]
	jq -e '
		(.ociVersionMin | type == "string" and test("^[0-9]+\\.[0-9]+\\.[0-9]+"))
		and (.ociVersionMax | type == "string" and test("^[0-9]+\\.[0-9]+\\.[0-9]+"))
		and (.linux.namespaces | contains(["cgroup", "ipc", "mount", "network", "pid", "user", "uts"]))' <<<"$output" ||
		fail "features: $output"
}
