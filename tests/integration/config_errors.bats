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
