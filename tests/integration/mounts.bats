#!/usr/bin/env bats
# .mounts: proc, sysfs, binds (read-write, read-only, a single file, rbind
# vs bind) and tmpfs options, read from the container's own
# /proc/self/mountinfo; container mounts stay off the host.  Mount
# destinations are resolved inside the rootfs: through symlinks
# (SECURITY.md #4), a /proc or /sys that is a symlink (#3), missing targets
# under a symlink (#5, CVE-2024-45310).

load helpers

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

@test "mounts: rbind brings a submount of the source along, bind does not" {
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

@test "mounts: a bind mount's missing destination parents are created" {
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

@test "mounts: tmpfs mode and size, and noexec" {
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

# podman --read-only puts such a tmpfs on /tmp, /run and /var/tmp: runc's "tmpcopyup".
@test "mounts: tmpcopyup fills the tmpfs with what the image had there, symlinks not followed" {
	mkdir -p "$BUNDLE/rootfs/data/sub"
	echo image-file >"$BUNDLE/rootfs/data/sub/f"
	chmod 604 "$BUNDLE/rootfs/data/sub/f"
	chown 1000:1001 "$BUNDLE/rootfs/data/sub/f"
	ln -s /etc/hostname "$BUNDLE/rootfs/data/link"
	update_config '.root.readonly = true | .mounts += [{"destination": "/data", "type": "tmpfs", "source": "tmpfs",
		"options": ["nosuid", "nodev", "tmpcopyup"]}]'
	set_cmd 'cat /data/sub/f; stat -c "%a %u:%g" /data/sub/f; readlink /data/link
		echo new >/data/written && echo wrote; grep " /data " /proc/self/mountinfo'
	run_container
	[ "$status" -eq 0 ] || fail "container failed ($status): $output" "$stderr"
	[ "${lines[0]}" = image-file ] || fail "output: $output"
	[ "${lines[1]}" = "604 1000:1001" ]
	[ "${lines[2]}" = /etc/hostname ]
	[ "${lines[3]}" = wrote ]
	[ "$(mi_field "$output" /data fstype)" = tmpfs ]
	# The image's own directory is untouched.
	[ ! -e "$BUNDLE/rootfs/data/written" ]
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

# SECURITY.md #4: symlinks in mount destinations resolve inside the rootfs.
@test "mounts: destination through an absolute symlink stays in the rootfs" {
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

@test "mounts: file bind mount onto a symlink to a host file stays in the rootfs" {
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

# SECURITY.md #3: /proc or /sys in the rootfs is a symlink.
@test "mounts: a rootfs whose /proc is an absolute symlink to the host is refused" {
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

@test "mounts: a rootfs whose /proc is a relative symlink is refused" {
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

@test "mounts: a rootfs whose /sys is an absolute symlink to the host is refused" {
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

@test "mounts: a rootfs whose /sys is a relative symlink is refused" {
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

# SECURITY.md #5, CVE-2024-45310: creating missing mount targets through a symlink.
@test "mounts: missing target dirs under a symlink to the host are made in the rootfs (CVE-2024-45310)" {
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
