#!/usr/bin/env bats
# User namespaces: a new one with uid and gid mappings, and one joined by path.

load helpers

# words TEXT — TEXT with runs of blanks squeezed and trimmed (uid_map pads).
words() { awk '{ $1 = $1; print }' <<<"$1"; }

@test "userns: new user namespace with uid and gid mappings" {
	setup_userns_bundle
	writable_rootfs
	set_cmd 'cat /proc/self/uid_map; cat /proc/self/gid_map; id -u; id -g; echo made-inside >/created; echo done'
	run_container
	[ "$status" -eq 0 ] || fail "container failed ($status): $output" "$stderr"
	[ "$(words "${lines[0]}")" = "0 100000 65536" ]
	[ "$(words "${lines[1]}")" = "0 100000 65536" ]
	[ "${lines[2]}" = 0 ]
	[ "${lines[3]}" = 0 ]
	[ "${lines[4]}" = "done" ]
	# What uid 0 wrote belongs to host uid 100000.
	[ "$(cat "$BUNDLE/rootfs/created")" = made-inside ]
	[ "$(stat -c %u:%g "$BUNDLE/rootfs/created")" = 100000:100000 ]
}

@test "userns: join a user namespace by path" {
	setup_userns_bundle
	local a pida
	a="$(new_id)"
	set_cmd "cat /proc/self/uid_map; readlink /proc/self/ns/user; exec sleep $LONG"
	start_ctr "$a"
	pida="$(pid_of "$a")"
	wait_for test -s "$TESTDIR/$a.out"

	# B keeps the (same) mappings: runc 1.1 insists on them even when the
	# user namespace is joined.
	setup_userns_bundle
	update_config '.linux.namespaces |= map(
			if .type == "user" then .path = "/proc/\($p)/ns/user" else . end)' --arg p "$pida"
	set_cmd 'cat /proc/self/uid_map; readlink /proc/self/ns/user; readlink /proc/self/ns/mnt; id -u'
	run_container
	[ "$status" -eq 0 ] || fail "container B failed ($status): $output" "$stderr"
	[ "$(words "${lines[0]}")" = "0 100000 65536" ]
	[ "${lines[1]}" = "$(readlink "/proc/$pida/ns/user")" ]
	[ "${lines[1]}" = "$(ctr_out "$a" | sed -n 2p)" ]
	[ "${lines[1]}" != "$(host_ns user)" ]
	# B has a mount namespace of its own.
	[ "${lines[2]}" != "$(readlink "/proc/$pida/ns/mnt")" ]
	[ "${lines[2]}" != "$(host_ns mnt)" ]
	[ "${lines[3]}" = 0 ]
}

@test "userns: bind sources inside a dir only host root can enter are mounted" {
	# The sources themselves are world-readable, but their parent is 0700
	# root: only a runtime that opens them as host root, before the
	# container's user namespace has a say, can mount them.
	setup_userns_bundle
	local dir
	new_host_path dir private
	mkdir -m 700 "$dir"
	mkdir -m 755 "$dir/shared"
	echo from-host-dir >"$dir/shared/file"
	echo from-host-file >"$dir/single"
	chmod 644 "$dir/single"
	update_config '.mounts += [
		{"destination": "/mnt/dir", "type": "bind", "source": $d, "options": ["rbind", "ro"]},
		{"destination": "/mnt/file", "type": "bind", "source": $f, "options": ["bind"]}]' \
		--arg d "$dir/shared" --arg f "$dir/single"
	set_cmd 'cat /mnt/dir/file /mnt/file; touch /mnt/dir/new 2>/dev/null || echo dir-read-only'
	run_container
	[ "$status" -eq 0 ] || fail "container failed ($status): $output" "$stderr"
	[ "$output" = "from-host-dir
from-host-file
dir-read-only" ] || fail "container saw: $output"
	[ ! -e "$dir/shared/new" ]
	# The same with a two-stage start (a time namespace is made after the
	# user namespace, by an intermediate process); runc 1.1 has no time
	# namespaces.
	is_berth || return 0
	update_config '.linux.namespaces += [{"type": "time"}]'
	run_container
	[ "$status" -eq 0 ] || fail "two-stage: container failed ($status): $output" "$stderr"
	[ "${lines[0]}" = from-host-dir ] || fail "two-stage: container saw: $output"
}
