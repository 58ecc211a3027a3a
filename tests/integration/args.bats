#!/usr/bin/env bats
# process.args: passed verbatim, args[0] looked up in the container's PATH,
# and the errors engines match for a program that is missing or not
# executable (podman maps them to exit statuses 127 and 126).

load helpers

@test "args: passed verbatim (no shell splitting)" {
	set_args /bin/echo 'a  b' '$HOME' '*'
	run_container
	[ "$status" -eq 0 ]
	[ "$output" = 'a  b $HOME *' ]
}

@test "args: args[0] is looked up in the container's PATH" {
	# /usr/local/bin/only-here exists only in the container.
	mkdir -p "$BUNDLE/rootfs/usr/local/bin"
	printf '#!/bin/sh\necho found-in-path\n' >"$BUNDLE/rootfs/usr/local/bin/only-here"
	chmod +x "$BUNDLE/rootfs/usr/local/bin/only-here"
	set_args only-here
	run_container
	[ "$status" -eq 0 ]
	[ "$output" = found-in-path ]
}

@test "args: nonexistent absolute executable" {
	set_args /nonexistent
	run_fails
	[[ "${stderr,,}" == *"no such file or directory"* || "${stderr,,}" == *"executable file not found"* ]]
}

@test "args: executable not found in PATH" {
	set_args no-such-command
	run_fails
	[[ "${stderr,,}" == *"executable file not found"* || "${stderr,,}" == *"no such file or directory"* ]]
}

@test "args: executable without the x bit" {
	printf '#!/bin/sh\necho container-ran\n' >"$BUNDLE/rootfs/bin/not-exec"
	chmod 644 "$BUNDLE/rootfs/bin/not-exec"
	set_args /bin/not-exec
	run_fails
	[[ "${stderr,,}" == *"permission denied"* ]]
}

@test "args: empty args" {
	update_config '.process.args = []'
	run_fails
}
