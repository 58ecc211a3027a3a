#!/usr/bin/env bats
# linux.personality.

load helpers

@test "personality: LINUX32 makes the container see a 32-bit machine" {
	[ "$(uname -m)" = x86_64 ] || skip "x86_64 host only"
	update_config '.linux.personality = {"domain": "LINUX32"}'
	set_args uname -m
	run_container
	[ "$status" -eq 0 ]
	[ "$output" = i686 ]
}

@test "personality: an unknown domain names its JSON path" {
	update_config '.linux.personality = {"domain": "BSD"}'
	run_container
	[ "$status" -ne 0 ]
	is_berth && [[ "$stderr" == *".linux.personality.domain: unknown personality domain"* ]]
	root_is_empty
}
