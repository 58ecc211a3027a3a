#!/usr/bin/env bats
# Failures: the runtime must say what is wrong and leave nothing behind.

load helpers

# run_fails — `run` the bundle; it must fail without running the process
# and leave no state.  stderr ends up in $stderr.
run_fails() {
	set_cmd_if_default
	run_container
	[ "$status" -ne 0 ] || fail "runtime succeeded; output: $output"
	[[ "$output" != *container-ran* ]] || fail "the container process ran"
	root_is_empty
}

# Unless the test chose the args, the process announces that it ran.
set_cmd_if_default() {
	if [[ "$(jq -c .process.args "$BUNDLE/config.json")" == '["sh"]' ]]; then
		set_cmd 'echo container-ran'
	fi
}

@test "errors: unknown namespace type is rejected" {
	update_config '.linux.namespaces += [{"type": "netwrk"}]'
	run_fails
	if is_berth; then
		[[ "$stderr" == *".linux.namespaces["* ]]
	fi
}

@test "errors: nonexistent absolute executable" {
	set_args /nonexistent
	run_fails
	[[ "${stderr,,}" == *"no such file or directory"* || "${stderr,,}" == *"executable file not found"* ]]
}

@test "errors: executable not found in PATH" {
	set_args no-such-command
	run_fails
	[[ "${stderr,,}" == *"executable file not found"* || "${stderr,,}" == *"no such file or directory"* ]]
}

@test "errors: executable without the x bit" {
	printf '#!/bin/sh\necho container-ran\n' >"$BUNDLE/rootfs/bin/not-exec"
	chmod 644 "$BUNDLE/rootfs/bin/not-exec"
	set_args /bin/not-exec
	run_fails
	[[ "${stderr,,}" == *"permission denied"* ]]
}

@test "errors: create of a nonexistent executable fails at create time" {
	# The user learns at `create`, not later at `start`.
	set_args /nonexistent
	local id
	id="$(new_id)"
	run --separate-stderr rt create --bundle "$BUNDLE" "$id" </dev/null
	[ "$status" -ne 0 ]
	run --separate-stderr rt state "$id"
	[ "$status" -ne 0 ]
	root_is_empty
}

@test "errors: empty args" {
	update_config '.process.args = []'
	run_fails
}

@test "errors: missing config.json" {
	rm "$BUNDLE/config.json"
	run_container
	[ "$status" -ne 0 ]
	[[ "$stderr" == *config.json* ]]
	root_is_empty
}

@test "errors: config.json that is not JSON" {
	echo '{"ociVersion": ' >"$BUNDLE/config.json"
	run_container
	[ "$status" -ne 0 ]
	root_is_empty
}

@test "errors: missing rootfs directory" {
	update_config '.root.path = "no-such-rootfs"'
	run_fails
}

@test "errors: invalid container ids are rejected" {
	local id
	for id in ../escape a/b "" .; do
		run --separate-stderr rt create --bundle "$BUNDLE" "$id" </dev/null
		[ "$status" -ne 0 ] || fail "id '$id' accepted"
	done
	# Nothing was created next to (or above) the state dir.
	[ ! -e "$TESTDIR/escape" ]
	root_is_empty
}

@test "errors: --log with --log-format json records the failure as JSON" {
	set_args /nonexistent
	run --separate-stderr rt --log "$TESTDIR/log.json" --log-format json create --bundle "$BUNDLE" "$(new_id)" </dev/null
	[ "$status" -ne 0 ]
	[ -s "$TESTDIR/log.json" ]
	# Every line is a JSON object with level and msg; at least one error.
	jq -e -s 'length > 0 and all(type == "object" and has("level") and has("msg"))' "$TESTDIR/log.json"
	jq -e -s 'map(select(.level == "error")) | length >= 1' "$TESTDIR/log.json"
	if is_berth; then
		# berth logs one object per failure, not a cascade of wrapped errors.
		jq -e -s 'length == 1 and .[0].level == "error"' "$TESTDIR/log.json"
	fi
	root_is_empty
}

@test "errors: a failed create leaves no process behind" {
	set_args /nonexistent
	run --separate-stderr rt create --bundle "$BUNDLE" "$(new_id)" </dev/null
	[ "$status" -ne 0 ]
	# No process is left inside the would-be container.
	[ -z "$(procs_rooted_in "$BUNDLE/rootfs")" ]
	root_is_empty
}
