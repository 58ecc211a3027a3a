#!/usr/bin/env bats
# The root filesystem: / is the bundle's rootfs, root.readonly, --no-pivot and
# rootfsPropagation.  Anything the host must not see (extra mounts, shared
# propagation) is done in a private mount namespace (rt_in_mntns).

load helpers

# root_line MOUNTINFO — the line of the mount at "/".
root_line() { awk '$5 == "/"' <<<"$1"; }

@test "rootfs: / is the bundle's rootfs, not the host's root" {
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

@test "rootfs: the container sees the rootfs files, not the host's" {
	[ -e /etc/os-release ] || skip "host has no /etc/os-release"
	set_cmd 'cat /etc/hostname; test -e /etc/os-release && echo HOST-ETC-VISIBLE; ls /'
	run_container
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = berth-rootfs ]
	[[ "$output" != *HOST-ETC-VISIBLE* ]]
	[[ "$output" != *"$(basename "$TESTDIR")"* ]]
}

@test "rootfs: readonly root makes / read-only" {
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

@test "rootfs: the container cannot remount its read-only root read-write" {
	set_cmd 'mount -o remount,rw / 2>&1; touch /x 2>&1; echo done'
	run_container
	[ "$status" -eq 0 ]
	[[ "$output" == *"Read-only file system"* ]]
	[ ! -e "$BUNDLE/rootfs/x" ]
}

@test "rootfs: writable root lets the container write to its rootfs" {
	writable_rootfs
	set_cmd 'echo written-inside >/x'
	run_container
	[ "$status" -eq 0 ]
	[ "$(cat "$BUNDLE/rootfs/x")" = written-inside ]
}

@test "rootfs: run --no-pivot sees only its rootfs and its own mounts" {
	mkdir "$TESTDIR/host-only"
	set_cmd 'cat /proc/self/mountinfo; echo ---; ls /; test -e /work && echo SEES-HOST-WORK; echo done'
	run --separate-stderr rt_in_mntns private "mount -t tmpfs host-only '$TESTDIR/host-only'" \
		run --no-pivot --bundle "$BUNDLE" "$(new_id)"
	[ "$status" -eq 0 ] || fail "run --no-pivot failed ($status): $output" "$stderr"
	[ "${lines[-1]}" = "done" ]
	local mi ls
	mi="$(awk '/^---$/ { exit } { print }' <<<"$output")"
	ls="$(awk '/^---$/ { n = 1; next } n' <<<"$output")"
	# / is the bundle's rootfs, once.
	[ "$(root_line "$mi" | wc -l)" -eq 1 ]
	[[ "$(mi_field "$mi" / root)" == */bundle/rootfs ]]
	# Every other mount point is one the container set up itself.
	local bad
	bad="$(awk '$5 != "/" && $5 !~ "^/(proc|dev|sys)(/|$)" { print $5 }' <<<"$mi")"
	[ -z "$bad" ] || fail "host mounts visible in the container: $bad"
	# In particular not the tmpfs the caller mounted, nor anything of the
	# host's under the test dir.
	[[ "$(awk '{ print $5 }' <<<"$mi")" != *"$TESTDIR"* ]]
	[[ "$mi" != *host-only* ]]
	grep -qx bin <<<"$ls"
	[[ "$output" != *SEES-HOST-WORK* ]]
}

@test "rootfs: rootfsPropagation private, rslave, rshared and unbindable" {
	# Under a caller whose mounts are shared (as with systemd), the
	# container's / is private, a slave, shared or unbindable, as asked.
	set_args cat /proc/self/mountinfo
	local prop line props=(private rslave)
	# runc 1.1 shows no shared: tag on / for rshared, and fails to bind the
	# rootfs once / is unbindable.
	is_berth && props+=(rshared unbindable runbindable)
	for prop in "${props[@]}"; do
		update_config '.linux.rootfsPropagation = $p' --arg p "$prop"
		run --separate-stderr rt_in_mntns shared : run --bundle "$BUNDLE" "$(new_id)"
		[ "$status" -eq 0 ] || fail "$prop: run failed ($status): $output" "$stderr"
		line="$(root_line "$output")"
		# Optional fields sit between the mount options and the " - ".
		line="${line%% - *}"
		case "$prop" in
		private) [[ "$line" != *shared:* && "$line" != *master:* ]] ;;
		rslave) [[ "$line" == *master:* && "$line" != *shared:* ]] ;;
		rshared) [[ "$line" == *shared:* ]] ;;
		unbindable | runbindable) [[ "$line" == *unbindable* && "$line" != *shared:* && "$line" != *master:* ]] ;;
		esac || fail "$prop: the container's / is: $line"
	done
}

# nested_proc_mount — the container runs, in a new user, mount and pid
# namespace of its own, a fresh proc mount.  The kernel allows that only
# while a proc is fully visible in the mount namespace (mount_too_revealing):
# the container's own /proc has masked paths, so only a host proc left
# reachable (--no-pivot) makes it succeed.  As uid 1000: mapping uid 0 into
# a new user namespace needs CAP_SETFCAP, which the default config lacks.
nested_proc_mount() {
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	set_cmd 'unshare -mrpf sh -c "echo in-new-userns; mount -t proc proc /tmp 2>&1 && echo PROC-MOUNTED" 2>&1; echo done'
}

@test "rootfs: --no-pivot leaves no host proc behind: a nested proc mount is refused" {
	nested_proc_mount
	local mode
	for mode in --no-pivot ""; do
		# shellcheck disable=SC2086 # empty on purpose
		run --separate-stderr rt run $mode --bundle "$BUNDLE" "$(new_id)" </dev/null
		[ "$status" -eq 0 ] || fail "run $mode failed ($status): $output" "$stderr"
		[[ "$output" == *in-new-userns* ]] || fail "run $mode: unshare failed: $output"
		[[ "$output" != *PROC-MOUNTED* ]] || fail "run $mode: the nested proc mount succeeded"
		[[ "$output" == *"ermission denied"* || "$output" == *"not permitted"* ]] || fail "run $mode: $output"
	done
}

@test "rootfs: --no-pivot in a user namespace leaves no host proc behind either" {
	setup_userns_bundle
	nested_proc_mount
	run --separate-stderr rt run --no-pivot --bundle "$BUNDLE" "$(new_id)" </dev/null
	[ "$status" -eq 0 ] || fail "run --no-pivot failed ($status): $output" "$stderr"
	[[ "$output" == *in-new-userns* ]] || fail "unshare failed: $output"
	[[ "$output" != *PROC-MOUNTED* ]] || fail "the nested proc mount succeeded"
}
