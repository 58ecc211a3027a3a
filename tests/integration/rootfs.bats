#!/usr/bin/env bats
# How the rootfs is set up: --no-pivot, rootfs propagation, tmpfs options,
# recursive binds, linux.devices and missing mount destinations.  Anything
# the host must not see (extra mounts, shared propagation) is done in a
# private mount namespace (rt_in_mntns).

load helpers

# root_line MOUNTINFO — the line of the mount at "/".
root_line() { awk '$5 == "/"' <<<"$1"; }

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

@test "rootfs: rootfsPropagation private, rslave and rshared" {
	# Under a caller whose mounts are shared (as with systemd), the
	# container's / is private, a slave, or shared, as asked.
	set_args cat /proc/self/mountinfo
	local prop line props=(private rslave)
	# runc 1.1 shows no shared: tag on / for rshared.
	is_berth && props+=(rshared)
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
		esac || fail "$prop: the container's / is: $line"
	done
}

@test "rootfs: tmpfs mode and size, and noexec" {
	update_config '.mounts += [
		{"destination": "/scratch", "type": "tmpfs", "source": "tmpfs", "options": ["mode=1777", "size=1m"]},
		{"destination": "/noexec", "type": "tmpfs", "source": "tmpfs", "options": ["noexec", "size=4m"]},
		{"destination": "/exec", "type": "tmpfs", "source": "tmpfs", "options": ["size=4m"]}]'
	# busybox picks the applet by argv[0]: keep its name.
	set_cmd 'stat -c %a /scratch; df -k /scratch | tail -n 1
		cp /bin/busybox /exec/busybox && /exec/busybox true && echo exec-ran
		cp /bin/busybox /noexec/busybox && /noexec/busybox true 2>&1 || echo noexec-failed'
	run_container
	[ "$status" -eq 0 ] || fail "container failed ($status): $output" "$stderr"
	[ "${lines[0]}" = 1777 ]
	# Filesystem 1K-blocks Used Available Use% Mounted-on
	[ "$(awk '{ print $2 }' <<<"${lines[1]}")" = 1024 ] || fail "df: ${lines[1]}"
	[ "${lines[2]}" = exec-ran ]
	[[ "${lines[3],,}" == *"permission denied"* ]] || fail "noexec: ${lines[3]}"
	[ "${lines[4]}" = noexec-failed ]
}

@test "rootfs: rbind brings a submount of the source along, bind does not" {
	mkdir -p "$TESTDIR/src/sub"
	echo top >"$TESTDIR/src/top"
	local setup="mount -t tmpfs sub '$TESTDIR/src/sub'; echo inner >'$TESTDIR/src/sub/inner'"
	set_cmd 'cat /mnt/top; cat /mnt/sub/inner 2>/dev/null || echo no-inner; grep " /mnt/sub " /proc/self/mountinfo || echo no-submount'
	local opt
	for opt in rbind bind; do
		update_config '.mounts = [.mounts[] | select(.destination != "/mnt")]
			+ [{"destination": "/mnt", "type": "bind", "source": $s, "options": [$o]}]' \
			--arg s "$TESTDIR/src" --arg o "$opt"
		run --separate-stderr rt_in_mntns private "$setup" run --bundle "$BUNDLE" "$(new_id)"
		[ "$status" -eq 0 ] || fail "$opt: run failed ($status): $output" "$stderr"
		[ "${lines[0]}" = top ]
		if [ "$opt" = rbind ]; then
			[ "${lines[1]}" = inner ] || fail "rbind: $output"
			[ "$(mi_field "${lines[2]}" /mnt/sub fstype)" = tmpfs ]
		else
			[ "${lines[1]}" = no-inner ] || fail "bind: $output"
			[ "${lines[2]}" = no-submount ]
		fi
	done
	# The submount only ever existed in the private namespaces.
	[ ! -e "$TESTDIR/src/sub/inner" ]
}

@test "rootfs: linux.devices creates the nodes as configured" {
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

@test "rootfs: a bind mount's missing destination parents are created" {
	mkdir "$TESTDIR/share"
	echo shared-file >"$TESTDIR/share/f"
	[ ! -e "$BUNDLE/rootfs/a" ]
	update_config '.mounts += [{"destination": "/a/b/c", "type": "bind", "source": $s, "options": ["bind"]}]' \
		--arg s "$TESTDIR/share"
	set_cmd 'cat /a/b/c/f; grep " /a/b/c " /proc/self/mountinfo'
	run_container
	[ "$status" -eq 0 ] || fail "container failed ($status): $output" "$stderr"
	[ "${lines[0]}" = shared-file ]
	[ "$(mi_field "${lines[1]}" /a/b/c root)" = "$TESTDIR/share" ]
	# Created inside the rootfs, not anywhere else.
	[ -d "$BUNDLE/rootfs/a/b/c" ]
	[ -z "$(ls -A "$BUNDLE/rootfs/a/b/c")" ]
}
