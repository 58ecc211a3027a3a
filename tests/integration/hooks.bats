#!/usr/bin/env bats
# Hooks: not run yet, so a config with hooks fails with their JSON path
# instead of silently skipping them.

load helpers

@test "hooks: a hook fails with .hooks." {
	is_berth || skip "berth does not run hooks yet; other runtimes do"
	# The hook would leave a file behind if it ran.
	update_config '.hooks = {"prestart": [{"path": "/bin/sh", "args": ["sh", "-c", $c]}]}' \
		--arg c "touch $TESTDIR/hook-ran"
	fails_cleanly
	[ ! -e "$TESTDIR/hook-ran" ]
	if is_berth; then
		[[ "$stderr" == *".hooks."* ]] || fail "stderr: $stderr"
	fi
}
