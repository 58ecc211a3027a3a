#!/usr/bin/env bats
# Terminals (process.terminal, --console-socket): not supported yet, so they
# fail cleanly, naming what was asked for.

load helpers

@test "terminal: process.terminal fails with .process.terminal" {
	# Other runtimes fail too here (no console socket for create, stdin
	# is not a tty for run), just not for berth's reason.
	update_config '.process.terminal = true'
	fails_cleanly
	if is_berth; then
		[[ "$stderr" == *".process.terminal"* ]] || fail "stderr: $stderr"
	fi
}

@test "terminal: --console-socket fails" {
	# berth has no terminal support; the config has terminal false anyway.
	fails_cleanly --console-socket /x
	[ ! -e /x ]
	if is_berth; then
		[[ "$stderr" == *--console-socket* ]] || fail "stderr: $stderr"
	fi
}
