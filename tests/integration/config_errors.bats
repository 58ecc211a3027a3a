#!/usr/bin/env bats
# A bad bundle (config.json missing or not JSON, an unknown namespace, no
# rootfs) fails cleanly: a clear message, no process run, no state left.

load helpers

@test "config_errors: missing config.json" {
	rm "$BUNDLE/config.json"
	run_container
	[ "$status" -ne 0 ]
	[[ "$stderr" == *config.json* ]]
	root_is_empty
}

@test "config_errors: config.json that is not JSON" {
	echo '{"ociVersion": ' >"$BUNDLE/config.json"
	run_container
	[ "$status" -ne 0 ]
	root_is_empty
}

@test "config_errors: unknown namespace type is rejected" {
	update_config '.linux.namespaces += [{"type": "netwrk"}]'
	run_fails
	if is_berth; then
		[[ "$stderr" == *".linux.namespaces["* ]]
	fi
}

@test "config_errors: missing rootfs directory" {
	update_config '.root.path = "no-such-rootfs"'
	run_fails
}

@test "config_errors: a config.json that is a FIFO or too large is refused before it is read" {
	mv "$BUNDLE/config.json" "$TESTDIR/config.json"
	mkfifo "$BUNDLE/config.json"
	run --separate-stderr timeout 5 "$RUNTIME" --root "$ROOT" run --bundle "$BUNDLE" "$(new_id)"
	echo "fifo: status=$status stderr=$stderr"
	[ "$status" -ne 0 ]
	[ "$status" -ne 124 ] # did not hang
	is_berth && [[ "$stderr" == *"config.json: not a regular file"* ]]
	rm "$BUNDLE/config.json"
	# A valid config padded to 9 MiB with white space.
	{ cat "$TESTDIR/config.json"; head -c $((9 << 20)) /dev/zero | tr '\0' ' '; } >"$BUNDLE/config.json"
	run --separate-stderr "$RUNTIME" --root "$ROOT" run --bundle "$BUNDLE" "$(new_id)"
	echo "large: status=$status stderr=$stderr"
	[ "$status" -ne 0 ]
	is_berth && [[ "$stderr" == *"more than the 8388608 berth reads"* ]]
	root_is_empty
}
