#!/usr/bin/env bats
# .process.env.

load helpers

@test "env: exactly .process.env" {
	update_config '.process.env = ["PATH=/bin", "FOO=bar", "WITH_SPACE=a b=c"]'
	set_cmd 'echo "FOO=$FOO"; echo "WITH_SPACE=$WITH_SPACE"; env | grep -c "^BATS_" || true'
	run_container
	[ "$status" -eq 0 ]
	local lines
	mapfile -t lines <<<"$output"
	[ "${lines[0]}" = FOO=bar ]
	[ "${lines[1]}" = "WITH_SPACE=a b=c" ]
	# Nothing from the runtime's environment (bats exports BATS_*) leaks in.
	[ "${lines[2]}" = 0 ]
}
