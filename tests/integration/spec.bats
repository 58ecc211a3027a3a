#!/usr/bin/env bats
# `spec`: a config the runtime can run, no inheritable or ambient
# capabilities (SECURITY.md #7), no overwrite.

load helpers

@test "spec: writes a config.json the runtime can run" {
	local dir="$TESTDIR/bundle-spec"
	mkdir "$dir"
	cp -al "$BUNDLE/rootfs" "$dir/rootfs"
	run --separate-stderr rt_raw spec --bundle "$dir"
	[ "$status" -eq 0 ]
	jq -e '
		(.ociVersion | type == "string")
		and .root.path == "rootfs"
		and .process.args == ["sh"]
		and ([.linux.namespaces[].type] | contains(["pid", "network", "ipc", "uts", "mount"]))
		and ([.mounts[].destination] | contains(["/proc", "/dev", "/sys"]))' "$dir/config.json"
	BUNDLE="$dir"
	update_config '.process.terminal = false | .process.args = ["echo", "spec-ok"]'
	run_container
	[ "$status" -eq 0 ]
	[ "$output" = spec-ok ]
}

@test "spec: no inheritable or ambient capabilities, and no overwrite" {
	local dir="$TESTDIR/bundle-spec"
	mkdir "$dir"
	cp -al "$BUNDLE/rootfs" "$dir/rootfs"
	run --separate-stderr rt_raw spec --bundle "$dir"
	[ "$status" -eq 0 ]
	# SECURITY.md, CVE-2022-29162: no inheritable capabilities; berth's spec
	# has no ambient ones either (runc 1.1's lists ambient capabilities).
	jq -e '.process.capabilities | type == "object"
		and (has("inheritable") | not) and (.bounding | length > 0)' "$dir/config.json" ||
		fail "capabilities: $(jq -c .process.capabilities "$dir/config.json")"
	if is_berth; then
		jq -e '.process.capabilities | has("ambient") | not' "$dir/config.json" ||
			fail "capabilities: $(jq -c .process.capabilities "$dir/config.json")"
	fi

	BUNDLE="$dir"
	update_config '.process.terminal = false | .process.args = ["true"]'
	run_container
	[ "$status" -eq 0 ] || fail "spec's config did not run ($status): $output" "$stderr"
	# What the process got: no inheritable or ambient capabilities.
	set_cmd 'grep -E "^Cap(Inh|Amb):" /proc/self/status'
	run_container
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = $'CapInh:\t0000000000000000' ]
	[ "${lines[1]}" = $'CapAmb:\t0000000000000000' ]

	# A second spec refuses to overwrite the (edited) config.json.
	local before
	before="$(sha256sum <"$dir/config.json")"
	run --separate-stderr rt_raw spec --bundle "$dir"
	[ "$status" -ne 0 ]
	[ "$(sha256sum <"$dir/config.json")" = "$before" ]
	jq -e '.process.args == ["sh", "-c", "grep -E \"^Cap(Inh|Amb):\" /proc/self/status"]' "$dir/config.json"
}
