#!/usr/bin/env bats
# /dev: the tmpfs, devpts, shm and mqueue mounts, the default device nodes and
# symlinks, linux.devices, no mknod for the container, and a rootfs whose
# /dev is a symlink to the host (SECURITY.md #12).

load helpers

@test "dev: tmpfs at /dev, devpts at /dev/pts, shm and mqueue as configured" {
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

@test "dev: default device nodes exist with the right numbers" {
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

@test "dev: standard symlinks" {
	set_cmd 'for l in fd stdin stdout stderr ptmx; do echo "$l -> $(readlink /dev/$l)"; done'
	run_container
	[ "$status" -eq 0 ]
	[[ "$output" == *"fd -> /proc/self/fd"* ]]
	[[ "$output" == *"stdin -> /proc/self/fd/0"* ]]
	[[ "$output" == *"stdout -> /proc/self/fd/1"* ]]
	[[ "$output" == *"stderr -> /proc/self/fd/2"* ]]
	[[ "$output" == *"ptmx -> pts/ptmx"* ]]
}

@test "dev: linux.devices creates the nodes as configured" {
	update_config '.linux.devices = [
		{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 438, "uid": 0, "gid": 0},
		{"path": "/dev/my-null", "type": "c", "major": 1, "minor": 3, "fileMode": 416, "uid": 1000, "gid": 2000}]'
	# stat prints major:minor in hex.
	set_cmd 'stat -c "%A %t:%T %u:%g" /dev/fuse /dev/my-null; ls -l /dev/fuse'
	run_container
	[ "$status" -eq 0 ] || fail "container failed ($status): $output" "$stderr"
	[ "${lines[0]}" = "crw-rw-rw- a:e5 0:0" ]
	[ "${lines[1]}" = "crw-r----- 1:3 1000:2000" ]
	[[ "${lines[2]}" =~ ^crw-rw-rw-\ .*\ 10,\ +229\ .*/dev/fuse$ ]] || fail "ls -l: ${lines[2]}"
}

@test "dev: the container cannot create device nodes" {
	# No CAP_MKNOD in the default set.  Creating a node is harmless here: it
	# would land in the container's own /dev tmpfs.
	set_cmd 'mknod /dev/sda-test b 8 0 2>&1 || echo mknod-failed'
	run_container
	[ "$status" -eq 0 ]
	[[ "$output" == *mknod-failed* ]]
}

# SECURITY.md #12: a /dev symlink in the rootfs redirects device creation.
@test "dev: rootfs /dev symlinked to a host dir: no device lands on the host" {
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

@test "dev: without a /dev tmpfs the default devices are made in the image's /dev" {
	# As runc: only a bind-mounted /dev is left as it is.
	update_config '.mounts |= map(select(.destination != "/dev" and .destination != "/dev/pts"
		and .destination != "/dev/shm" and .destination != "/dev/mqueue"))'
	set_cmd 'for d in null zero tty; do stat -c "%n %F %t:%T" /dev/$d; done; readlink /dev/fd'
	run_container
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"/dev/null character special file 1:3"* ]]
	[[ "$output" == *"/dev/zero character special file 1:5"* ]]
	[[ "$output" == *"/dev/tty character special file 5:0"* ]]
	[[ "$output" == *"/proc/self/fd"* ]]
}

@test "dev: a read-only /dev tmpfs still gets its mounts, nodes and symlinks" {
	# The mount points, nodes and symlinks are made first, /dev turns
	# read-only last.
	update_config '(.mounts[] | select(.destination == "/dev") | .options) += ["ro"]
		| .linux.devices = [{"path": "/dev/my-null", "type": "c", "major": 1, "minor": 3, "fileMode": 438}]'
	set_cmd 'cat /proc/self/mountinfo; echo ---
		echo x >/dev/null && echo null-ok
		echo x >/dev/my-null && echo my-null-ok
		head -c 1 /dev/zero | od -An -tx1 | grep -q 00 && echo zero-ok
		readlink /dev/stdout
		touch /dev/new-file 2>/dev/null || echo dev-read-only
		touch /dev/shm/x && echo shm-writable'
	run_container
	[ "$status" -eq 0 ] || fail "container failed ($status): $output" "$stderr"
	local mi rest
	mi="$(awk '/^---$/ { exit } { print }' <<<"$output")"
	rest="$(awk '/^---$/ { n = 1; next } n' <<<"$output")"
	[ "$(mi_field "$mi" /dev fstype)" = tmpfs ]
	has_opt "$(mi_field "$mi" /dev opts)" ro || fail "/dev: $(mi_field "$mi" /dev opts)"
	# Mounted inside it, and writable where the config says so.
	[ "$(mi_field "$mi" /dev/pts fstype)" = devpts ]
	[ "$(mi_field "$mi" /dev/shm fstype)" = tmpfs ]
	has_opt "$(mi_field "$mi" /dev/shm opts)" rw
	[ "$(mi_field "$mi" /dev/mqueue fstype)" = mqueue ]
	[ "$rest" = "null-ok
my-null-ok
zero-ok
/proc/self/fd/1
dev-read-only
shm-writable" ] || fail "inside: $rest"
}
