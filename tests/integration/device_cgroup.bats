#!/usr/bin/env bats
# linux.resources.devices: device access control through the cgroup, v1 devices.allow/deny on
# this hybrid host and an eBPF device program on cgroup v2. A container with CAP_MKNOD (in
# Docker's and podman's default set) may make any node, but may only use the devices the rules
# allow (runc appends its standard allow list to the config's rules). The attacks only read, and
# the host disk they read is a loop device over a file the test made.

load helpers

LOOPDEV=
teardown() {
	[ -z "$LOOPDEV" ] || losetup -d "$LOOPDEV"
	common_teardown
}

# host_disk — LOOPDEV: a loop device holding a secret; DISK: its "major minor".
host_disk() {
	printf 'SECRET-%s' "$RUN_TAG" >"$TESTDIR/disk.img"
	truncate -s 64k "$TESTDIR/disk.img"
	LOOPDEV="$(losetup -f --show "$TESTDIR/disk.img")" || return
	DISK="$(printf '%d %d' "0x$(stat -c %t "$LOOPDEV")" "0x$(stat -c %T "$LOOPDEV")")"
}

with_mknod() {
	update_config '.process.capabilities.bounding += ["CAP_MKNOD"]
		| .process.capabilities.effective += ["CAP_MKNOD"]
		| .process.capabilities.permitted += ["CAP_MKNOD"]'
}

# The container makes nodes for the host's disk and /dev/kmsg and tries to read them.
attack_cmd() {
	local maj min
	host_disk || skip "no loop device"
	read -r maj min <<<"$DISK"
	set_cmd "mknod /dev/hostdisk b $maj $min && echo mknod-ok
		head -c 64 /dev/hostdisk
		mknod /dev/hostkmsg c 1 11 && dd if=/dev/hostkmsg of=/dev/null bs=8192 count=1 && echo kmsg-read-ok
		echo x >/dev/null && echo null-ok; head -c 1 /dev/zero >/dev/null && echo zero-ok"
}

assert_attack_refused() {
	echo "status=$status"$'\n'"$output"$'\n'"stderr: $stderr"
	[ "$status" -eq 0 ]
	[[ "$output" == *mknod-ok* ]] # mknod is allowed ...
	[[ "$output" != *SECRET* ]] # ... using the host's disk is not
	[[ "$output" != *kmsg-read-ok* ]]
	[[ "$stderr" == *"Operation not permitted"* ]]
	[[ "$output" == *null-ok* ]] # the standard devices work
	[[ "$output" == *zero-ok* ]]
}

@test "device_cgroup: the default deny-all stops a container from reading a host disk" {
	with_mknod
	attack_cmd
	run --separate-stderr run_ctr "$(new_id)"
	assert_attack_refused
}

@test "device_cgroup: rules apply in order: writes to /dev/null denied, /dev/zero readable" {
	update_config '.linux.resources.devices += [{"allow": false, "type": "c", "major": 1, "minor": 3, "access": "w"}]'
	set_cmd 'echo x >/dev/null && echo null-write-ok; cat /dev/null && echo null-read-ok;
		echo "zero=$(head -c 3 /dev/zero | wc -c)"'
	run --separate-stderr run_ctr "$(new_id)"
	echo "$output"$'\n'"stderr: $stderr"
	[ "$status" -eq 0 ]
	[[ "$output" != *null-write-ok* ]]
	[[ "$stderr" == *"Operation not permitted"* ]]
	[[ "$output" == *null-read-ok* ]]
	[[ "$output" == *zero=3* ]]
}

@test "device_cgroup: the v1 devices.list of the container's cgroup holds the rules" {
	[ -f /sys/fs/cgroup/devices/devices.list ] || skip "no v1 devices controller"
	local id pid line
	id="$(new_id)"
	set_args sleep "$LONG"
	create_ctr "$id"
	pid="$(ctr_state "$id" .pid)"
	line="$(sed -n 's/^[0-9]*:devices://p' "/proc/$pid/cgroup")"
	run cat "/sys/fs/cgroup/devices$line/devices.list"
	echo "$output"
	# Deny-all first, then the standard list: no "a *:* rwm" is left, /dev/null is.
	[[ "$output" != *"a *:* rwm"* ]]
	grep -qx 'c 1:3 rwm' <<<"$output"
	grep -qx 'c 136:\* rwm' <<<"$output"
	rt delete -f "$id"
}

@test "device_cgroup: on cgroup v2 an eBPF program enforces the same rules" {
	with_mknod
	attack_cmd
	run --separate-stderr rt_in_mntns private 'mount -t cgroup2 none /sys/fs/cgroup' run --bundle "$BUNDLE" "$(new_id)"
	assert_attack_refused
}
