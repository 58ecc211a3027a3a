#!/usr/bin/env bats
# The global --root flag: its spellings (runc takes -root too), one state dir
# per root, created when missing.

load helpers

setup() {
	common_setup
	# A long-running process whose command line is unique to this test.
	set_args sleep "$LONG"
}

@test "root: --root X, --root=X and -root X select the same state dir" {
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
	rt_raw --root "$ROOT" delete -f "$id"
	root_is_empty
}

@test "root: a container is only visible under its own --root" {
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

@test "root: the directory is created when missing" {
	ROOT="$TESTDIR/new/nested/root"
	local id
	id="$(new_id)"
	create_ctr "$id"
	[ -d "$ROOT" ]
	rt delete -f "$id"
	root_is_empty
	rm -rf "$TESTDIR/new"
}
