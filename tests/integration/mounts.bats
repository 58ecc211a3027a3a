#!/usr/bin/env bats
# The container's filesystem view, read from its own /proc/self/mountinfo.

load helpers

# Run the container and capture its mountinfo in $output.
container_mountinfo() {
	set_args cat /proc/self/mountinfo
	run_container
	[ "$status" -eq 0 ] || fail "container failed: $output"
}

@test "mounts: proc is mounted at /proc" {
	container_mountinfo
	[ "$(mi_field "$output" /proc fstype)" = proc ]
}

@test "mounts: sysfs is mounted read-only at /sys" {
	container_mountinfo
	[ "$(mi_field "$output" /sys fstype)" = sysfs ]
	has_opt "$(mi_field "$output" /sys opts)" ro
	has_opt "$(mi_field "$output" /sys opts)" nosuid
	has_opt "$(mi_field "$output" /sys opts)" noexec
	has_opt "$(mi_field "$output" /sys opts)" nodev
}

@test "mounts: tmpfs at /dev, devpts at /dev/pts, shm and mqueue as configured" {
	container_mountinfo
	[ "$(mi_field "$output" /dev fstype)" = tmpfs ]
	has_opt "$(mi_field "$output" /dev opts)" nosuid
	has_opt "$(mi_field "$output" /dev superopts)" mode=755
	[ "$(mi_field "$output" /dev/pts fstype)" = devpts ]
	has_opt "$(mi_field "$output" /dev/pts superopts)" gid=5
	[ "$(mi_field "$output" /dev/shm fstype)" = tmpfs ]
	has_opt "$(mi_field "$output" /dev/shm opts)" noexec
	has_opt "$(mi_field "$output" /dev/shm opts)" nodev
	[ "$(mi_field "$output" /dev/mqueue fstype)" = mqueue ]
}

@test "mounts: / is the bundle's rootfs, not the host's root" {
	container_mountinfo
	# Exactly one mount at / (the old root is gone after pivot_root).
	[ "$(awk '$5 == "/"' <<<"$output" | wc -l)" -eq 1 ]
	# Its root within the backing filesystem is our rootfs directory ...
	local croot
	croot="$(mi_field "$output" / root)"
	[[ "$croot" == */bundle/rootfs ]]
	# ... which is not what the host has at /.
	[ "$croot" != "$(mi_field "$(cat /proc/self/mountinfo)" / root)" ]
}

@test "mounts: the container sees the rootfs files, not the host's" {
	[ -e /etc/os-release ] || skip "host has no /etc/os-release"
	set_cmd 'cat /etc/hostname; test -e /etc/os-release && echo HOST-ETC-VISIBLE; ls /'
	run_container
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = berth-rootfs ]
	[[ "$output" != *HOST-ETC-VISIBLE* ]]
	[[ "$output" != *"$(basename "$TESTDIR")"* ]]
}

@test "mounts: readonly root makes / read-only" {
	update_config '.root.readonly = true'
	set_cmd 'touch /x 2>&1; grep " / / " /proc/self/mountinfo'
	run_container
	[[ "$output" == *"Read-only file system"* ]]
	[ ! -e "$BUNDLE/rootfs/x" ]
	# Mounts on top of the read-only root still work.
	update_config '.root.readonly = true'
	set_cmd 'touch /dev/shm/x && echo shm-writable'
	run_container
	[ "$output" = shm-writable ]
}

@test "mounts: writable root lets the container write to its rootfs" {
	writable_rootfs
	set_cmd 'echo written-inside >/x'
	run_container
	[ "$status" -eq 0 ]
	[ "$(cat "$BUNDLE/rootfs/x")" = written-inside ]
}

@test "mounts: default device nodes exist with the right numbers" {
	# stat prints major:minor in hex.
	set_cmd 'for d in null zero full random urandom tty; do stat -c "%n %F %t:%T" /dev/$d; done
		echo x >/dev/null && echo null-writable
		head -c 4 /dev/zero | od -An -tx1'
	run_container
	[ "$status" -eq 0 ]
	local lines
	mapfile -t lines <<<"$output"
	[ "${lines[0]}" = "/dev/null character special file 1:3" ]
	[ "${lines[1]}" = "/dev/zero character special file 1:5" ]
	[ "${lines[2]}" = "/dev/full character special file 1:7" ]
	[ "${lines[3]}" = "/dev/random character special file 1:8" ]
	[ "${lines[4]}" = "/dev/urandom character special file 1:9" ]
	[ "${lines[5]}" = "/dev/tty character special file 5:0" ]
	[ "${lines[6]}" = null-writable ]
	[[ "${lines[7]}" =~ ^[[:space:]]*00\ 00\ 00\ 00[[:space:]]*$ ]]
}

@test "mounts: /dev standard symlinks" {
	set_cmd 'for l in fd stdin stdout stderr ptmx; do echo "$l -> $(readlink /dev/$l)"; done'
	run_container
	[ "$status" -eq 0 ]
	[[ "$output" == *"fd -> /proc/self/fd"* ]]
	[[ "$output" == *"stdin -> /proc/self/fd/0"* ]]
	[[ "$output" == *"stdout -> /proc/self/fd/1"* ]]
	[[ "$output" == *"stderr -> /proc/self/fd/2"* ]]
	[[ "$output" == *"ptmx -> pts/ptmx"* ]]
}

@test "mounts: masked paths are hidden" {
	# /proc/keys and /proc/timer_list exist on any recent kernel.
	[ -e /proc/keys ] || skip "host has no /proc/keys"
	set_cmd 'echo "keys:$(cat /proc/keys | wc -c)"; echo "firmware:$(ls -A /sys/firmware | wc -l)"; cat /proc/self/mountinfo'
	run_container
	[ "$status" -eq 0 ]
	[[ "$output" == *"keys:0"* ]]
	[[ "$output" == *"firmware:0"* ]]
	grep -q ' /proc/keys ' <<<"$output"
	grep -q ' /sys/firmware ' <<<"$output"
}

@test "mounts: readonly paths are mounted read-only" {
	container_mountinfo
	local p
	for p in /proc/sys /proc/bus /proc/fs /proc/irq /proc/sysrq-trigger; do
		[ -e "$p" ] || continue # not every kernel has all of them
		has_opt "$(mi_field "$output" "$p" opts)" ro || fail "$p is not ro"
	done
	# /proc itself stays writable (only the listed paths are ro).
	if has_opt "$(mi_field "$output" /proc opts)" ro; then fail "/proc is ro"; fi
}

@test "mounts: bind mount from the config, read-write" {
	mkdir "$TESTDIR/share"
	echo from-host >"$TESTDIR/share/in"
	update_config '.mounts += [{"destination": "/share", "type": "bind", "source": $s, "options": ["bind"]}]' \
		--arg s "$TESTDIR/share"
	set_cmd 'cat /share/in; echo from-container >/share/out'
	run_container
	[ "$status" -eq 0 ]
	[ "$output" = from-host ]
	[ "$(cat "$TESTDIR/share/out")" = from-container ]
	# The runtime created the missing destination inside the rootfs.
	[ -d "$BUNDLE/rootfs/share" ]
}

@test "mounts: read-only bind mount" {
	mkdir "$TESTDIR/share"
	update_config '.mounts += [{"destination": "/share", "type": "none", "source": $s, "options": ["rbind", "ro"]}]' \
		--arg s "$TESTDIR/share"
	set_cmd 'touch /share/x 2>&1; grep " /share " /proc/self/mountinfo'
	run_container
	[[ "$output" == *"Read-only file system"* ]]
	[ ! -e "$TESTDIR/share/x" ]
	has_opt "$(mi_field "$output" /share opts)" ro
}

@test "mounts: bind mount of a single file" {
	echo file-content >"$TESTDIR/file"
	update_config '.mounts += [{"destination": "/etc/bound", "type": "bind", "source": $s, "options": ["bind", "ro"]}]' \
		--arg s "$TESTDIR/file"
	set_args cat /etc/bound
	run_container
	[ "$status" -eq 0 ]
	[ "$output" = file-content ]
}

@test "mounts: tmpfs with options" {
	update_config '.mounts += [{"destination": "/scratch", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "mode=1700", "size=1m"]}]'
	set_cmd 'stat -c %a /scratch; grep " /scratch " /proc/self/mountinfo'
	run_container
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1700 ]
	[ "$(mi_field "$output" /scratch fstype)" = tmpfs ]
	has_opt "$(mi_field "$output" /scratch opts)" nosuid
	has_opt "$(mi_field "$output" /scratch opts)" nodev
	has_opt "$(mi_field "$output" /scratch superopts)" size=1024k
}

@test "mounts: container mounts do not appear on the host" {
	local id
	id="$(new_id)"
	set_args sleep "$LONG"
	start_ctr "$id"
	# The container's mount namespace is private: nothing under the bundle
	# (nor any other new mount) shows up in the host's table.
	[ "$(ctr_state "$id")" = running ]
	[ -z "$(mounts_under "$BUNDLE")" ]
	[[ "$(cat /proc/self/mountinfo)" != *"$BUNDLE"* ]]
}
