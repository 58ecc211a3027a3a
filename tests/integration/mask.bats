#!/usr/bin/env bats
# linux.maskedPaths: hidden, and masked with the real /dev/null, never the
# image's (SECURITY.md #9, CVE-2025-31133).  Masked paths that are symlinks
# out of the rootfs are in readonly_paths.bats, with readonly ones (#14).

load helpers

@test "mask: masked paths are hidden" {
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

# SECURITY.md #9, CVE-2025-31133: maskedPaths through the container's /dev/null.
@test "mask: maskedPaths use the real /dev/null, not the image's symlink (CVE-2025-31133)" {
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

# Red-team finding: masked files were writable binds of the host's own /dev/null inode, so
# container root could chmod, chown and touch it through /proc/timer_list. The runtime runs in
# a private mount namespace whose /dev/null is a decoy node, so a vulnerable runtime changes
# the decoy, never the host's /dev/null.
@test "mask: container root cannot change the node behind a masked file" {
	[ -e /proc/timer_list ] || skip "host has no /proc/timer_list"
	local decoy="$TESTDIR/decoy-null" before after
	mknod -m 666 "$decoy" c 1 3
	touch -d @1000000000 "$decoy"
	before="$(stat -c '%a %u:%g %Y' "$decoy")"
	update_config '.process.capabilities.bounding += ["CAP_CHOWN", "CAP_FOWNER"]
		| .process.capabilities.effective += ["CAP_CHOWN", "CAP_FOWNER"]
		| .process.capabilities.permitted += ["CAP_CHOWN", "CAP_FOWNER"]'
	set_cmd 'chmod 600 /proc/timer_list && echo chmod-ok; chown 1000:1000 /proc/timer_list && echo chown-ok;
		touch /proc/timer_list && echo touch-ok; stat -c "node=%t:%T" /proc/timer_list;
		echo "size=$(wc -c </proc/timer_list)"'
	run --separate-stderr rt_in_mntns private "mount --bind '$decoy' /dev/null" run --bundle "$BUNDLE" "$(new_id)"
	echo "status=$status"$'\n'"$output"$'\n'"stderr: $stderr"
	after="$(stat -c '%a %u:%g %Y' "$decoy")"
	echo "decoy before: $before, after: $after"
	[ "$status" -eq 0 ]
	[ "$before" = "$after" ]
	[[ "$output" != *chmod-ok* ]]
	[[ "$output" != *chown-ok* ]]
	[[ "$output" != *touch-ok* ]]
	# Still a null device in place: reads empty.
	[[ "$output" == *"node=1:3"* ]]
	[[ "$output" == *"size=0"* ]]
}
