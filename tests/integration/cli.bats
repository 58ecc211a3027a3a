#!/usr/bin/env bats
# The runc command line: global flag spellings, defaults, simple commands.

load helpers

setup() {
	common_setup
	set_args sleep "$LONG"
}

# rt_raw ARGS... — the runtime without the implicit --root.
rt_raw() { timeout --kill-after=5 "$RT_TIMEOUT" "$RUNTIME" "$@"; }

@test "cli: --root X, --root=X and -root X select the same state dir" {
	local id
	id="$(new_id)"
	rt_raw --root="$ROOT" create --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1 3>&- 4>&-
	[ -n "$(ls -A "$ROOT")" ]
	run --separate-stderr rt_raw --root "$ROOT" state "$id"
	[ "$status" -eq 0 ]
	[ "$(jq -r .status <<<"$output")" = created ]
	run --separate-stderr rt_raw -root "$ROOT" list -q
	[ "$status" -eq 0 ]
	[ "$output" = "$id" ]
	run --separate-stderr rt_raw -root="$ROOT" state "$id"
	[ "$status" -eq 0 ]
	rt_raw --root "$ROOT" delete "$id"
	root_is_empty
}

@test "cli: a container is only visible under its own --root" {
	local id
	id="$(new_id)"
	create_ctr "$id"
	run --separate-stderr rt_raw --root "$TESTDIR/other-root" state "$id"
	[ "$status" -ne 0 ]
	run --separate-stderr rt_raw --root "$TESTDIR/other-root" list -q
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	rm -rf "$TESTDIR/other-root"
}

@test "cli: --root directory is created when missing" {
	ROOT="$TESTDIR/new/nested/root"
	local id
	id="$(new_id)"
	create_ctr "$id"
	[ -d "$ROOT" ]
	rt delete -f "$id"
	root_is_empty
	rm -rf "$TESTDIR/new"
}

@test "cli: state of a missing container fails with 'does not exist'" {
	run --separate-stderr rt state no-such-container
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"does not exist"* ]]
	[ -z "$output" ]
}

@test "cli: start, kill and delete of a missing container fail" {
	local cmd
	for cmd in start kill delete; do
		run --separate-stderr rt "$cmd" no-such-container
		[ "$status" -ne 0 ] || fail "$cmd succeeded"
		# containerd and CRI-O match this phrase to tell "gone" from a real failure.
		[[ "$stderr" == *"does not exist"* ]] || fail "$cmd: no 'does not exist' in: $stderr"
	done
}

@test "cli: delete -f of a missing container succeeds" {
	# Idempotent cleanup, as runc does: callers may retry delete -f.
	run --separate-stderr rt delete -f no-such-container
	[ "$status" -eq 0 ]
	[ -z "$stderr" ] || [[ "$stderr" != *error* ]]
	root_is_empty
}

@test "cli: unknown command fails" {
	run --separate-stderr rt no-such-command
	[ "$status" -ne 0 ]
	if is_berth; then [[ "$stderr" == *'unknown command "no-such-command"'* ]]; fi
}

@test "cli: --version prints a version" {
	run --separate-stderr rt_raw --version
	[ "$status" -eq 0 ]
	[[ "$output" =~ [0-9]+\.[0-9]+ ]]
	[[ "$output" == *spec* ]]
}

@test "cli: --bundle, -b and --bundle=X" {
	local id
	for flag in --bundle -b; do
		id="$(new_id)"
		rt create "$flag" "$BUNDLE" "$id" </dev/null >/dev/null 2>&1 3>&- 4>&-
		[ "$(ctr_state "$id" .bundle)" = "$BUNDLE" ]
	done
	id="$(new_id)"
	rt create --bundle="$BUNDLE" "$id" </dev/null >/dev/null 2>&1 3>&- 4>&-
	[ "$(ctr_state "$id" .bundle)" = "$BUNDLE" ]
}

@test "cli: bundle defaults to the current directory" {
	set_cmd 'echo from-cwd-bundle'
	cd "$BUNDLE"
	run --separate-stderr rt run "$(new_id)" </dev/null
	[ "$status" -eq 0 ]
	[ "$output" = from-cwd-bundle ]
}

@test "cli: a relative --bundle is stored as an absolute path" {
	local id
	id="$(new_id)"
	cd "$TESTDIR"
	rt create --bundle bundle "$id" </dev/null >/dev/null 2>&1 3>&- 4>&-
	[ "$(ctr_state "$id" .bundle)" = "$TESTDIR/bundle" ]
}

@test "cli: spec writes a config.json the runtime can run" {
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
