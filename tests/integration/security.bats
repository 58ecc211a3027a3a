#!/usr/bin/env bats
# Security foundations: paths inside the rootfs are resolved inside the
# rootfs, and nothing from the runtime leaks into the container.
#
# Attack targets are files and directories the test itself creates on the
# host (host_path), never real system files; teardown removes them after
# checking that nothing is mounted on them.

load helpers

# host_untouched DIR — DIR still holds only the "marker" file we put there,
# with its content, and nothing is mounted on it.
host_untouched() {
	local dir="$1"
	[ "$(ls -A "$dir")" = marker ] || fail "host dir $dir changed: $(ls -lA "$dir")"
	[ "$(cat "$dir/marker")" = host-marker ] || fail "host marker in $dir changed"
	[ -z "$(mounts_under "$dir")" ] || fail "something is mounted on $dir"
}

# new_host_dir VAR LABEL — a registered host dir holding a marker file.
new_host_dir() {
	new_host_path "$1" "$2"
	local -n _dir="$1"
	mkdir "$_dir"
	echo host-marker >"$_dir/marker"
}

@test "security: mount destination through an absolute symlink stays in the rootfs" {
	local target absent
	new_host_dir target target
	new_host_path absent absent
	# /etc/x -> <host dir that exists>, /etc/y -> <host path that does not>.
	ln -s "$target" "$BUNDLE/rootfs/etc/x"
	ln -s "$absent" "$BUNDLE/rootfs/etc/y"
	mkdir "$TESTDIR/src"
	echo from-bind-source >"$TESTDIR/src/inside"
	update_config '.mounts += [
		{"destination": "/etc/x", "type": "bind", "source": $s, "options": ["bind"]},
		{"destination": "/etc/y", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}]' \
		--arg s "$TESTDIR/src"
	set_cmd 'cat /etc/x/inside && touch /etc/x/written && cat /proc/self/mountinfo'
	run_container

	# First and whatever the exit status: the host paths were not touched.
	host_untouched "$target"
	[ ! -e "$absent" ] || fail "runtime created $absent on the host"
	[ -z "$(mounts_under "$absent")" ]

	# The container saw both mounts where the symlinks point *inside* it.
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = from-bind-source ]
	mi_field "$output" "$target" root >/dev/null || fail "no mount at $target in the container"
	[ "$(mi_field "$output" "$absent" fstype)" = tmpfs ]
	[ "$(cat "$TESTDIR/src/written")" = "" ]
	[ -d "$BUNDLE/rootfs$target" ]
	[ -d "$BUNDLE/rootfs$absent" ]
}

@test "security: file bind mount onto a symlink to a host file stays in the rootfs" {
	local dir
	new_host_dir dir file-target
	ln -sf "$dir/marker" "$BUNDLE/rootfs/etc/hosts"
	echo from-bind-source >"$TESTDIR/hosts"
	update_config '.mounts += [{"destination": "/etc/hosts", "type": "bind", "source": $s, "options": ["bind"]}]' \
		--arg s "$TESTDIR/hosts"
	set_cmd "cat /etc/hosts; echo written >>/etc/hosts"
	run_container
	host_untouched "$dir"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = from-bind-source ]
	[ "$(cat "$TESTDIR/hosts")" = $'from-bind-source\nwritten' ]
}

@test "security: rootfs whose /proc is an absolute symlink to the host is refused" {
	local target
	new_host_dir target proc-target
	rmdir "$BUNDLE/rootfs/proc"
	ln -s "$target" "$BUNDLE/rootfs/proc"
	set_cmd 'echo container-ran'
	run_container
	[ "$status" -ne 0 ]
	[[ "$output" != *container-ran* ]]
	host_untouched "$target"
	root_is_empty
}

@test "security: rootfs whose /proc is a relative symlink is refused" {
	# proc -> etc: mounting procfs over the container's /etc (or masking
	# /proc/... paths under it) must not happen.
	rmdir "$BUNDLE/rootfs/proc"
	ln -s etc "$BUNDLE/rootfs/proc"
	local before
	before="$(ls -A "$BUNDLE/rootfs/etc")"
	set_cmd 'echo container-ran'
	run_container
	[ "$status" -ne 0 ]
	[[ "$output" != *container-ran* ]]
	[ "$(ls -A "$BUNDLE/rootfs/etc")" = "$before" ]
	[ -z "$(mounts_under "$BUNDLE")" ]
	root_is_empty
}

@test "security: only fds 0, 1 and 2 reach the container" {
	# The harness holds extra fds (bats' 3 and 4, and our 5): none may leak.
	exec 5</dev/null
	# `; :` keeps sh from exec'ing ls, whose own directory fd would show.
	set_cmd 'ls /proc/$$/fd; :'
	run_container
	exec 5<&-
	[ "$status" -eq 0 ]
	[ "$output" = $'0\n1\n2' ]
}

@test "security: --preserve-fds 1 passes exactly fd 3" {
	echo fd3-content >"$TESTDIR/fd3"
	exec 5</dev/null
	run_preserving() {
		rt run --preserve-fds 1 --bundle "$BUNDLE" "$1" </dev/null 3<"$TESTDIR/fd3"
	}
	set_cmd 'ls /proc/$$/fd; cat <&3'
	run --separate-stderr run_preserving "$(new_id)"
	exec 5<&-
	[ "$status" -eq 0 ]
	[ "$output" = $'0\n1\n2\n3\nfd3-content' ]
}

@test "security: the container cannot remount its read-only root read-write" {
	set_cmd 'mount -o remount,rw / 2>&1; touch /x 2>&1; echo done'
	run_container
	[ "$status" -eq 0 ]
	[[ "$output" == *"Read-only file system"* ]]
	[ ! -e "$BUNDLE/rootfs/x" ]
}

@test "security: the container cannot create device nodes" {
	# No CAP_MKNOD in the default set.  Creating a node is harmless here: it
	# would land in the container's own /dev tmpfs.
	set_cmd 'mknod /dev/sda-test b 8 0 2>&1 || echo mknod-failed'
	run_container
	[ "$status" -eq 0 ]
	[[ "$output" == *mknod-failed* ]]
}
