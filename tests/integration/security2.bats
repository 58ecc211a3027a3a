#!/usr/bin/env bats
# Security, part 2: one test per row of SECURITY.md that security.bats does
# not cover yet.  Each builds the hostile bundle, runs the runtime on it and
# asserts what the attack achieved: host files unchanged, nothing mounted
# outside the rootfs, the container could not reach the host.
#
# Every attack is aimed at a harmless target that still proves the escape:
# a host dir the test created (new_host_dir, removed in teardown after
# checking nothing is mounted on it), the container's own namespaced
# /proc/sys/kernel/hostname, or a COPY of the runtime binary.

load helpers

# host_untouched DIR — DIR still holds only the "marker" file we put there,
# with its content, and nothing is mounted on it.
host_untouched() {
	local dir="$1"
	[ "$(ls -A "$dir")" = marker ] || fail "host dir $dir changed: $(ls -lA "$dir")"
	[ "$(cat "$dir/marker")" = host-marker ] || fail "host marker in $dir changed"
	[ -z "$(mounts_under "$dir")" ] || fail "something is mounted on $dir: $(mounts_under "$dir")"
}

# new_host_dir VAR LABEL — a registered host dir holding a marker file.
new_host_dir() {
	new_host_path "$1" "$2"
	local -n _dir="$1"
	mkdir "$_dir"
	echo host-marker >"$_dir/marker"
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

# ---------------------------------------------------------------------------
# #9 CVE-2025-31133: maskedPaths through the container's /dev/null
# ---------------------------------------------------------------------------

@test "security: maskedPaths use the real /dev/null, not the image's symlink" {
	# The image brings its own /dev (no /dev tmpfs in the config), and its
	# dev/null is a symlink to a procfs file.  The target is the
	# container's own hostname (UTS namespace): harmless even if a runtime
	# bind-mounts it over a masked path.
	# /proc/uptime joins the masked paths: unlike /proc/kcore (default
	# list) it exists on every kernel, and is never empty unless masked.
	# The container writes its findings to a bind-mounted host file, not to
	# stdout: runc 1.1.5 re-opens every stdio fd whose st_rdev matches the
	# image's "/dev/null" (here 0, as for a pipe) onto that "/dev/null".
	mkdir "$TESTDIR/out"
	update_config '.mounts |= map(select(.destination != "/dev"))
		| .mounts += [{"destination": "/out", "type": "bind", "source": $o, "options": ["bind"]}]
		| .hostname = "sec-host"
		| .linux.maskedPaths += ["/proc/uptime"]' --arg o "$TESTDIR/out"
	ln -s /proc/sys/kernel/hostname "$BUNDLE/rootfs/dev/null"
	set_cmd '{ stat -c "%F %t:%T" /proc/uptime; echo "size=$(wc -c </proc/uptime)";
		echo pwned >/proc/uptime; echo "hostname=$(cat /proc/sys/kernel/hostname)";
		} >/out/log 2>&1; echo "stdout=$(readlink /proc/$$/fd/1)" >>/out/log'
	run_container
	echo "status=$status"$'\n'"$output"$'\n'"stderr: $stderr"
	echo "container log:"; cat "$TESTDIR/out/log" || true
	# Failing closed (refusing the hostile /dev) is safe too.
	if [ "$status" -ne 0 ]; then
		[ ! -s "$TESTDIR/out/log" ]
		root_is_empty
		return
	fi
	run cat "$TESTDIR/out/log"
	# The mask is the character device 1:3, and in place (reads empty).
	[ "${lines[0]}" = "character special file 1:3" ]
	[ "${lines[1]}" = "size=0" ]
	[ "${lines[2]}" = "hostname=sec-host" ]
	# stdio (a pipe from the harness) was not swapped for the image's /dev/null.
	[[ "${lines[3]}" == stdout=pipe:* ]]
}

# ---------------------------------------------------------------------------
# #12: a /dev symlink in the rootfs redirects device creation
# ---------------------------------------------------------------------------

@test "security: rootfs /dev symlinked to a host dir: no device lands on the host" {
	local target
	new_host_dir target dev-target
	rmdir "$BUNDLE/rootfs/dev"
	ln -s "$target" "$BUNDLE/rootfs/dev"
	update_config '.linux.devices = [{"path": "/dev/sec-null", "type": "c", "major": 1, "minor": 3, "fileMode": 438, "uid": 0, "gid": 0}]
		| .linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rwm"}]'
	set_cmd 'stat -c "%n %t:%T" /dev/sec-null /dev/null; echo ok >/dev/sec-null && echo dev-ok'
	run_container
	echo "status=$status"$'\n'"$output"$'\n'"stderr: $stderr"

	# First and whatever the exit status: the host dir was not touched.
	host_untouched "$target"
	if [ "$status" -ne 0 ]; then
		echo "runtime refused the bundle" >&3
		root_is_empty
		return
	fi
	echo "runtime ran the container with /dev inside the rootfs" >&3
	[ "${lines[0]}" = "/dev/sec-null 1:3" ]
	[ "${lines[1]}" = "/dev/null 1:3" ]
	[ "${lines[2]}" = dev-ok ]
}

# ---------------------------------------------------------------------------
# #6 CVE-2024-21626: process.cwd / exec --cwd = /proc/self/fd/N
# ---------------------------------------------------------------------------

# escaped_cwd_cmd HOSTDIR — container command: print the cwd's entries and
# the entries of ../../../../../../tmp (the host's /tmp if the cwd is a
# host directory, since .. never stops at the container root then).
escaped_cwd_cmd() {
	printf '%s' 'ls -a . 2>&1; ls -a ../../../../../../../../tmp 2>&1; echo end'
}

@test "security: process.cwd /proc/self/fd/N does not reach the host" {
	local host n
	new_host_dir host cwd-target
	touch "$host/host-only-file"
	set_cmd "$(escaped_cwd_cmd)"
	# Control: the bundle runs, and the check sees the cwd's entries.
	run run_ctr "$(new_id)"
	[ "$status" -eq 0 ]
	[[ "$output" == *bin*end ]]
	# Extra host fds in the harness: / and the host dir.
	exec 7</ 8<"$host"
	for n in 3 4 5 6 7 8 9 10; do
		update_config '.process.cwd = $c' --arg c "/proc/self/fd/$n"
		run run_ctr "$(new_id)"
		echo "cwd fd $n: status=$status"$'\n'"$output"
		if [[ "$output" == *host-only-file* || "$output" == *"${host##*/}"* ]]; then
			exec 7<&- 8<&-
			fail "cwd /proc/self/fd/$n reached the host"
			return 1
		fi
	done
	exec 7<&- 8<&-
	rm "$host/host-only-file"
	host_untouched "$host"
	root_is_empty
}

@test "security: exec --cwd /proc/self/fd/N does not reach the host" {
	local host n id
	new_host_dir host exec-cwd-target
	touch "$host/host-only-file"
	set_args sleep "$LONG"
	id="$(new_id)"
	start_ctr "$id"
	# Control: exec works at all (berth has no `exec` subcommand yet).
	run rt exec "$id" true </dev/null
	if [ "$status" -ne 0 ] && [[ "$output" == *"unknown command"* ]]; then
		skip "the runtime has no exec subcommand: $output"
	fi
	[ "$status" -eq 0 ]
	exec 7</ 8<"$host"
	for n in 3 4 5 6 7 8 9 10; do
		run rt exec --cwd "/proc/self/fd/$n" "$id" sh -c "$(escaped_cwd_cmd)" </dev/null
		echo "exec --cwd fd $n: status=$status"$'\n'"$output"
		if [[ "$output" == *host-only-file* || "$output" == *"${host##*/}"* ]]; then
			exec 7<&- 8<&-
			fail "exec --cwd /proc/self/fd/$n reached the host"
			return 1
		fi
	done
	exec 7<&- 8<&-
	rt delete -f "$id"
	rm "$host/host-only-file"
	host_untouched "$host"
}

# ---------------------------------------------------------------------------
# #1 CVE-2019-5736: the init is not dumpable before execve
# ---------------------------------------------------------------------------

@test "security: another container cannot open a created container's init image" {
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

# ---------------------------------------------------------------------------
# #3 for sysfs: /sys in the rootfs is a symlink
# ---------------------------------------------------------------------------

@test "security: rootfs whose /sys is an absolute symlink to the host is refused" {
	local target
	new_host_dir target sys-target
	rmdir "$BUNDLE/rootfs/sys"
	ln -s "$target" "$BUNDLE/rootfs/sys"
	set_cmd 'echo container-ran'
	run_container
	echo "status=$status"$'\n'"$output"$'\n'"stderr: $stderr"
	host_untouched "$target"
	[ -z "$(mounts_under "$target")" ]
	[ "$status" -ne 0 ]
	[[ "$output" != *container-ran* ]]
	root_is_empty
}

@test "security: rootfs whose /sys is a relative symlink is refused" {
	rmdir "$BUNDLE/rootfs/sys"
	ln -s etc "$BUNDLE/rootfs/sys"
	local before
	before="$(ls -A "$BUNDLE/rootfs/etc")"
	# If a runtime mounted sysfs on /etc anyway, the container would see it.
	set_cmd 'echo container-ran; stat -f -c %T /etc; ls /etc'
	run_container
	echo "status=$status"$'\n'"$output"$'\n'"stderr: $stderr"
	[ "$(ls -A "$BUNDLE/rootfs/etc")" = "$before" ]
	[ -z "$(mounts_under "$BUNDLE")" ]
	[[ "$output" != *sysfs* ]]
	[ "$status" -ne 0 ]
	[[ "$output" != *container-ran* ]]
	root_is_empty
}

# ---------------------------------------------------------------------------
# #5 CVE-2024-45310: creating missing mount targets through a symlink
# ---------------------------------------------------------------------------

@test "security: missing mount target dirs under a symlink to the host are made in the rootfs" {
	local absent
	new_host_path absent mkdir-target
	# /data -> <absolute host path that does not exist>; the mount target
	# /data/sub/x needs three missing directories.
	ln -s "$absent" "$BUNDLE/rootfs/data"
	mkdir "$TESTDIR/src"
	echo from-bind-source >"$TESTDIR/src/inside"
	update_config '.mounts += [{"destination": "/data/sub/x", "type": "bind", "source": $s, "options": ["bind"]}]' \
		--arg s "$TESTDIR/src"
	set_cmd 'cat /data/sub/x/inside && cat /proc/self/mountinfo'
	run_container
	echo "status=$status"$'\n'"$output"$'\n'"stderr: $stderr"

	[ ! -e "$absent" ] || fail "runtime created $absent on the host: $(find "$absent")"
	[ -z "$(mounts_under "$absent")" ]
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = from-bind-source ]
	[ -d "$BUNDLE/rootfs$absent/sub/x" ]
	mi_field "$output" "$absent/sub/x" root >/dev/null || fail "no mount at $absent/sub/x in the container"
	[ -z "$(ls -A "$BUNDLE/rootfs$absent/sub/x")" ]
}

# ---------------------------------------------------------------------------
# #14: readonlyPaths and maskedPaths through a symlink out of the rootfs
# ---------------------------------------------------------------------------

@test "security: readonly and masked paths that are symlinks to the host stay in the rootfs" {
	local ro mask
	new_host_dir ro ro-target
	new_host_dir mask mask-target
	writable_rootfs
	# /etc/ro -> /../../../tmp/<host dir>: resolved in the rootfs, that is
	# rootfs/tmp/<host dir>, which exists there with its own content.
	ln -s "/../../..$ro" "$BUNDLE/rootfs/etc/ro"
	ln -s "/../../..$mask" "$BUNDLE/rootfs/etc/mask"
	mkdir -p "$BUNDLE/rootfs$ro" "$BUNDLE/rootfs$mask"
	echo in-rootfs >"$BUNDLE/rootfs$ro/inside"
	echo in-rootfs >"$BUNDLE/rootfs$mask/inside"
	update_config '.linux.readonlyPaths += ["/etc/ro"] | .linux.maskedPaths += ["/etc/mask"]'
	set_cmd 'echo "ro:$(ls /etc/ro | tr "\n" " ")"; echo "mask:$(ls /etc/mask | tr "\n" " ")";
		touch /etc/ro/w 2>&1; touch /etc/mask/w 2>&1; cat /proc/self/mountinfo'
	run_container
	echo "status=$status"$'\n'"$output"$'\n'"stderr: $stderr"

	host_untouched "$ro"
	host_untouched "$mask"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "ro:inside " ]
	[ "${lines[1]}" = "mask:" ]
	[[ "$output" == *"/etc/ro/w"*"Read-only file system"* ]]
	[ ! -e "$BUNDLE/rootfs$ro/w" ]
	[ ! -e "$BUNDLE/rootfs$mask/w" ]
	has_opt "$(mi_field "$output" "$ro" opts)" ro
	has_opt "$(mi_field "$output" "$mask" opts)" ro
}
