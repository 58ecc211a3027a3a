#!/usr/bin/env bats
# Id-mapped bind mounts: a mount's own uidMappings/gidMappings, or "idmap"/"ridmap" through
# the container's user namespace (runtime-spec 1.2). The maps are in user-namespace form,
# "containerID hostID size": an id on disk (containerID side) is shown as hostID on the host,
# and the container's user namespace maps that as usual.

load helpers

# idmap_source VAR — a registered host dir with a file owned by 1000:1000 and one by root.
idmap_source() {
	new_host_path "$1" idmap
	local -n _src="$1"
	mkdir -m 755 "$_src"
	touch "$_src/by1000" "$_src/byroot"
	chown 1000:1000 "$_src/by1000" "$_src"
	chmod 777 "$_src"
}

# add_mount SOURCE DEST OPTIONS-JSON [UIDMAP-JSON GIDMAP-JSON]
add_mount() {
	local m='{"source": $s, "destination": $d, "type": "bind", "options": $o}'
	if [ -n "${4:-}" ]; then m="$m + {\"uidMappings\": $4, \"gidMappings\": $5}"; fi
	update_config ".mounts += [$m]" --arg s "$1" --arg d "$2" --argjson o "$3"
}

@test "idmap: the mount's own mapping: on-disk 1000 is root in a 0->100000 container, and back" {
	setup_userns_bundle
	local src
	idmap_source src
	# On-disk 1000 -> host 100000, which the container's user namespace shows as 0.
	add_mount "$src" /idm '["bind", "idmap"]' \
		'[{"containerID": 1000, "hostID": 100000, "size": 1}]' \
		'[{"containerID": 1000, "hostID": 100000, "size": 1}]'
	add_mount "$src" /plain '["bind"]'
	set_cmd 'stat -c %u:%g /idm/by1000 /idm /plain/by1000; id -u; echo from-inside >/idm/made'
	run_container
	[ "$status" -eq 0 ] || fail "container failed ($status): $output" "$stderr"
	[ "${lines[0]}" = 0:0 ] || fail "by1000 through the idmapped mount: ${lines[0]}"
	[ "${lines[1]}" = 0:0 ]
	# The same dir without the mapping: 1000 is not mapped in the container.
	[ "${lines[2]}" = "$(cat /proc/sys/kernel/overflowuid):$(cat /proc/sys/kernel/overflowgid)" ]
	[ "${lines[3]}" = 0 ]
	# What container root wrote through the mapping belongs to 1000 on disk.
	[ "$(cat "$src/made")" = from-inside ]
	[ "$(stat -c %u:%g "$src/made")" = 1000:1000 ]
	[ -z "$(mounts_under "$src")" ]
}

@test "idmap: without mappings the container's user namespace maps the mount" {
	setup_userns_bundle
	local src
	idmap_source src
	# On-disk root -> host 100000 (the container's 0).
	add_mount "$src" /idm '["bind", "idmap"]'
	add_mount "$src" /plain '["bind"]'
	set_cmd 'stat -c %u /idm/byroot /plain/byroot; touch /idm/made'
	run_container
	[ "$status" -eq 0 ] || fail "container failed ($status): $output" "$stderr"
	[ "${lines[0]}" = 0 ]
	[ "${lines[1]}" = "$(cat /proc/sys/kernel/overflowuid)" ]
	[ "$(stat -c %u:%g "$src/made")" = 0:0 ]
}

@test "idmap: ridmap maps the submounts of an rbind, idmap only the top" {
	setup_userns_bundle
	local src
	idmap_source src
	mkdir "$src/sub"
	add_mount "$src" /r '["rbind", "ridmap"]'
	add_mount "$src" /t '["rbind", "idmap"]'
	set_cmd 'stat -c %u /r/sub/f /t/sub/f /r/byroot /t/byroot'
	# The submount (a tmpfs with a root-owned file) exists only in the runtime's private
	# mount namespace, and goes with it.
	run --separate-stderr rt_in_mntns private "mount -t tmpfs sub $src/sub && touch $src/sub/f" \
		run --bundle "$BUNDLE" "$(new_id)"
	[ "$status" -eq 0 ] || fail "container failed ($status): $output" "$stderr"
	local nobody
	nobody="$(cat /proc/sys/kernel/overflowuid)"
	[ "${lines[0]}" = 0 ] || fail "ridmap: submount file shows as ${lines[0]}"
	[ "${lines[1]}" = "$nobody" ] || fail "idmap: submount file shows as ${lines[1]}"
	[ "${lines[2]}" = 0 ]
	[ "${lines[3]}" = 0 ]
}

@test "idmap: mappings without a user namespace shift the ids the container sees" {
	local src
	idmap_source src
	add_mount "$src" /idm '["bind", "idmap"]' \
		'[{"containerID": 1000, "hostID": 2000, "size": 10}]' \
		'[{"containerID": 1000, "hostID": 3000, "size": 10}]'
	set_cmd 'stat -c %u:%g /idm/by1000'
	run_container
	[ "$status" -eq 0 ] || fail "container failed ($status): $output" "$stderr"
	[ "$output" = 2000:3000 ]
}

@test "idmap: without mappings nor a user namespace it is refused" {
	local src
	idmap_source src
	add_mount "$src" /idm '["bind", "idmap"]'
	run_fails
	if is_berth; then [[ "$stderr" == *".mounts["*"].options"* ]] || fail "no JSON path in: $stderr"; fi
}

@test "idmap: a filesystem without id-mapped mount support fails clearly" {
	setup_userns_bundle
	# sysfs does not take an id mapping.
	add_mount /sys/kernel /idm '["rbind", "idmap"]'
	run_fails
	if is_berth; then
		[[ "$stderr" == *"does not support id-mapped mounts"* ]] || fail "unclear error: $stderr"
	fi
}
