#!/usr/bin/env bats
# --help answers for known commands only: an unknown command fails, even
# with --help, since engines take `checkpoint --help` exiting 0 as support.

load helpers

@test "help: an unknown command fails" {
	run --separate-stderr rt no-such-command
	[ "$status" -ne 0 ]
	if is_berth; then [[ "$stderr" == *'unknown command "no-such-command"'* ]]; fi
}

@test "help: an unknown command fails, even with --help (engines probe 'checkpoint --help')" {
	run rt checkpoint --help
	[ "$status" -ne 0 ]
	run rt restore --help
	[ "$status" -ne 0 ]
	# Known commands still answer --help.
	run rt create --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"--bundle"* ]]
}
