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

@test "args: a program the kernel refuses to exec (exec format error) fails run, which removes the container" {
	# Found and executable, so the init is ready before execve fails: a foreground run learns
	# of it only once the init has exited (launch.cpp), and must still report it as run's.
	printf '\177ELF-not-really\n' >"$BUNDLE/rootfs/bin/bad-format"
	chmod 755 "$BUNDLE/rootfs/bin/bad-format"
	set_args /bin/bad-format
	run_fails
	[[ "${stderr,,}" == *"exec format error"* ]] || fail "stderr: $stderr"
	[ "$status" -eq 1 ] || fail "status $status"
	is_berth || return 0
	# --keep keeps a container that ran, not one whose program never started; -d reports it too.
	local id
	id="$(new_id)"
	run --separate-stderr rt run --keep --bundle "$BUNDLE" "$id" </dev/null
	[ "$status" -eq 1 ] && [[ "$stderr" == *"run $id: exec /bin/bad-format: exec format error"* ]] || fail "--keep: $status: $stderr"
	root_is_empty
	local rc=0
	rt run -d --bundle "$BUNDLE" "$id" </dev/null >"$TESTDIR/d.out" 2>"$TESTDIR/d.err" || rc=$?
	[ "$rc" -eq 1 ] && grep -q "exec format error" "$TESTDIR/d.err" || fail "-d: $rc: $(cat "$TESTDIR/d.err")"
	root_is_empty
}

@test "args: empty args" {
	update_config '.process.args = []'
	run_fails
}
