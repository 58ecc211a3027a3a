#!/usr/bin/env bats
# `create`: the container waits in "created" for `start`, its pid file, id
# checks, failures at create time, and a created init nobody can reach
# (SECURITY.md #1, CVE-2019-5736).

load helpers

setup() {
	common_setup
	# A long-running process whose command line is unique to this test.
	set_args sleep "$LONG"
}

# runtime_copy — run this test with a copy of the runtime binary as
# $RUNTIME, so that a vulnerable runtime can only damage the copy.  Sets
# RT_SHA to the copy's sha256.
runtime_copy() {
	mkdir -p "$TESTDIR/rtbin"
	cp "$RUNTIME" "$TESTDIR/rtbin/${RUNTIME##*/}"
	RUNTIME="$TESTDIR/rtbin/${RUNTIME##*/}"
	RT_SHA="$(sha256sum <"$RUNTIME")"
}

@test "create: create, start, kill, delete" {
	local id pid
	id="$(new_id)"

	create_ctr "$id" --pid-file "$TESTDIR/pidfile"
	[ "$(ctr_state "$id")" = created ]
	pid="$(pid_of "$id")"
	[ "$pid" -gt 0 ]
	[ "$(cat "$TESTDIR/pidfile")" = "$pid" ]
	[ -d "/proc/$pid" ]
	# Created means "not yet running the user's process".
	[[ "$(cmdline_of "$pid")" != *"sleep $LONG"* ]]

	rt start "$id"
	[ "$(ctr_state "$id")" = running ]
	[ "$(pid_of "$id")" = "$pid" ]
	is_sleeping() { [[ "$(cmdline_of "$pid")" == "sleep $LONG " ]]; }
	wait_for is_sleeping

	rt kill "$id" KILL
	wait_status "$id" stopped
	wait_for process_gone "$pid"

	rt delete "$id"
	run --separate-stderr rt state "$id"
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"does not exist"* ]]
	root_is_empty
}

@test "create: relative --pid-file is relative to the caller's cwd" {
	local id
	id="$(new_id)"
	cd "$TESTDIR"
	create_ctr "$id" --pid-file rel.pid
	[ "$(cat "$TESTDIR/rel.pid")" = "$(pid_of "$id")" ]
}

@test "create: an existing id fails and keeps the first container" {
	local id pid
	id="$(new_id)"
	create_ctr "$id"
	pid="$(pid_of "$id")"
	run --separate-stderr rt create --bundle "$BUNDLE" "$id" </dev/null
	[ "$status" -ne 0 ]
	[[ "$stderr" == *exists* ]]
	[ "$(ctr_state "$id")" = created ]
	[ "$(pid_of "$id")" = "$pid" ]
	# And it still starts.
	rt start "$id"
	[ "$(ctr_state "$id")" = running ]
}

@test "create: invalid container ids are rejected" {
	local id
	for id in ../escape a/b "" .; do
		run --separate-stderr rt create --bundle "$BUNDLE" "$id" </dev/null
		[ "$status" -ne 0 ] || fail "id '$id' accepted"
	done
	# Nothing was created next to (or above) the state dir.
	[ ! -e "$TESTDIR/escape" ]
	root_is_empty
}

@test "create: a nonexistent executable fails at create time" {
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

@test "create: a failed create leaves no process behind" {
	set_args /nonexistent
	run --separate-stderr rt create --bundle "$BUNDLE" "$(new_id)" </dev/null
	[ "$status" -ne 0 ]
	# No process is left inside the would-be container.
	[ -z "$(procs_rooted_in "$BUNDLE/rootfs")" ]
	root_is_empty
}

# SECURITY.md #1, CVE-2019-5736: the init is not dumpable before execve.
@test "create: another container cannot open a created container's init image (CVE-2019-5736)" {
	runtime_copy
	# A: created, not started.  Its init is still the runtime's image,
	# blocked before execve, in A's new pid namespace (where it is pid 1).
	local a b apid
	set_args sleep "$LONG"
	a="$(new_id)"
	create_ctr "$a"
	apid="$(ctr_state "$a" .pid)"
	[[ "$apid" =~ ^[0-9]+$ ]]
	local bundle_a="$BUNDLE"

	# B joins A's pid namespace, with the default capabilities (no
	# CAP_SYS_PTRACE), and tries to read and write pid 1's executable.
	setup_bundle "$TESTDIR/bundle-b"
	update_config '.linux.namespaces |= map(if .type == "pid" then .path = $p else . end)' \
		--arg p "/proc/$apid/ns/pid"
	set_cmd 'echo "exe=$(readlink /proc/1/exe 2>&1)"; cat /proc/1/exe >/dev/null && echo READ-OK;
		echo x >>/proc/1/exe && echo WRITE-OK; echo done'
	b="$(new_id)"
	run run_ctr "$b"
	echo "status=$status"$'\n'"$output"
	BUNDLE="$bundle_a" # teardown looks for processes left in A's rootfs

	rt delete -f "$a"
	[ "$(sha256sum <"$RUNTIME")" = "$RT_SHA" ] || fail "the runtime copy $RUNTIME was modified"
	[ "$status" -eq 0 ]
	[[ "$output" == *done* ]]
	[[ "$output" != *READ-OK* ]]
	[[ "$output" != *WRITE-OK* ]]
	# Not even the name of the image is visible.
	[[ "$output" != *exe=/* ]]
}

# SECURITY.md #1, CVE-2019-5736, the red team's variant: B shares A's pid namespace and has
# CAP_SYS_PTRACE, which gets past the non-dumpable init. B keeps pid 1's executable open while
# A is created, and writes through it once A has started (berth's image is gone from A then).
@test "create: a container with CAP_SYS_PTRACE cannot write the runtime through a created init's /proc/1/exe (CVE-2019-5736)" {
	runtime_copy
	local a b apid bundle_a
	set_args sleep "$LONG"
	a="$(new_id)"
	create_ctr "$a"
	apid="$(ctr_state "$a" .pid)"
	[[ "$apid" =~ ^[0-9]+$ ]]
	bundle_a="$BUNDLE"

	mkdir -m 777 "$TESTDIR/out"
	setup_bundle "$TESTDIR/bundle-b"
	update_config '.linux.namespaces |= map(if .type == "pid" then .path = $p else . end)
		| .process.capabilities.bounding += ["CAP_SYS_PTRACE"]
		| .process.capabilities.effective += ["CAP_SYS_PTRACE"]
		| .process.capabilities.permitted += ["CAP_SYS_PTRACE"]
		| .mounts += [{"destination": "/out", "type": "bind", "source": $o, "options": ["bind"]}]' \
		--arg p "/proc/$apid/ns/pid" --arg o "$TESTDIR/out"
	set_cmd 'exec 3</proc/1/exe && echo held >/out/log || echo open-failed >/out/log
		echo x >>/proc/1/exe 2>>/out/log && echo WRITE-WHILE-CREATED >>/out/log
		touch /out/ready
		while [ ! -e /out/started ]; do sleep 0.1; done
		sleep 0.3
		echo PWNED >>/proc/self/fd/3 2>>/out/log && echo WRITE-AFTER-START >>/out/log
		echo done >>/out/log'
	b="$(new_id)"
	create_ctr "$b"
	rt start "$b"
	wait_for test -e "$TESTDIR/out/ready"
	BUNDLE="$bundle_a"
	rt start "$a"
	touch "$TESTDIR/out/started"
	wait_for grep -q done "$TESTDIR/out/log"
	echo "B's log:"; cat "$TESTDIR/out/log"
	rt delete -f "$b"
	rt delete -f "$a"
	[ "$(sha256sum <"$RUNTIME")" = "$RT_SHA" ] || fail "the runtime copy $RUNTIME was modified"
	# The handle itself was had (CAP_SYS_PTRACE); writing through it never works.
	run cat "$TESTDIR/out/log"
	[[ "$output" != *WRITE-WHILE-CREATED* ]]
	[[ "$output" != *WRITE-AFTER-START* ]]
	[[ "$output" == *done* ]]
}
