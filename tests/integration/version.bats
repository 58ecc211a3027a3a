#!/usr/bin/env bats
# --version.

load helpers

@test "version: prints a version" {
	run --separate-stderr rt_raw --version
	[ "$status" -eq 0 ]
	[[ "$output" =~ [0-9]+\.[0-9]+ ]]
	[[ "$output" == *spec* ]]
}

@test "version: has version, commit and spec lines" {
	is_berth || skip "berth's --version format"
	run --separate-stderr rt_raw --version
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^berth\ version\ [0-9]+\.[0-9]+ ]] || fail "--version: $output"
	grep -q '^commit: ' <<<"$output" || fail "no commit line: $output"
	grep -qE '^spec: [0-9]+\.[0-9]+' <<<"$output" || fail "no spec line: $output"
	grep -qE '^libseccomp: [0-9]+\.[0-9]+\.[0-9]+$' <<<"$output" || fail "no libseccomp line: $output"
}
