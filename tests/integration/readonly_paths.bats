#!/usr/bin/env bats
# linux.readonlyPaths, and readonly and masked paths that are symlinks out of
# the rootfs (SECURITY.md #14).

load helpers

@test "readonly_paths: mounted read-only" {
	container_mountinfo
	local p
	for p in /proc/sys /proc/bus /proc/fs /proc/irq /proc/sysrq-trigger; do
		[ -e "$p" ] || continue # not every kernel has all of them
		has_opt "$(mi_field "$output" "$p" opts)" ro || fail "$p is not ro"
	done
	# /proc itself stays writable (only the listed paths are ro).
	if has_opt "$(mi_field "$output" /proc opts)" ro; then fail "/proc is ro"; fi
}

# SECURITY.md #14: readonlyPaths and maskedPaths through a symlink out of the rootfs.
@test "readonly_paths: readonly and masked paths that are symlinks to the host stay in the rootfs" {
	local ro mask
	new_host_dir ro ro-target
	new_host_dir mask mask-target
	writable_rootfs
	# /etc/ro -> /../../../tmp/<host dir>: resolved in the rootfs, that is
	# rootfs/tmp/<host dir>, which exists there with its own content.
	ln -s "/../../..$ro" "$BUNDLE/rootfs/etc/ro"
	ln -s "/../../..$mask" "$BUNDLE/rootfs/etc/mask"
	mkdir -p "$BUNDLE/rootfs$ro" "$BUNDLE/rootfs$mask"
	echo in-rootfs >"$BUNDLE/rootfs$ro/inside"
	echo in-rootfs >"$BUNDLE/rootfs$mask/inside"
	update_config '.linux.readonlyPaths += ["/etc/ro"] | .linux.maskedPaths += ["/etc/mask"]'
	set_cmd 'echo "ro:$(ls /etc/ro | tr "\n" " ")"; echo "mask:$(ls /etc/mask | tr "\n" " ")";
		touch /etc/ro/w 2>&1; touch /etc/mask/w 2>&1; cat /proc/self/mountinfo'
	run_container
	echo "status=$status"$'\n'"$output"$'\n'"stderr: $stderr"

	host_untouched "$ro"
	host_untouched "$mask"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "ro:inside " ]
	[ "${lines[1]}" = "mask:" ]
	[[ "$output" == *"/etc/ro/w"*"Read-only file system"* ]]
	[ ! -e "$BUNDLE/rootfs$ro/w" ]
	[ ! -e "$BUNDLE/rootfs$mask/w" ]
	has_opt "$(mi_field "$output" "$ro" opts)" ro
	has_opt "$(mi_field "$output" "$mask" opts)" ro
}
