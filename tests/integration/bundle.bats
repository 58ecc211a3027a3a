#!/usr/bin/env bats
# --bundle: its spellings, the current directory as default, and a relative
# bundle stored as an absolute path.

load helpers

setup() {
	common_setup
	# A long-running process whose command line is unique to this test.
	set_args sleep "$LONG"
}

@test "bundle: --bundle, -b and --bundle=X" {
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

@test "bundle: defaults to the current directory" {
	set_cmd 'echo from-cwd-bundle'
	cd "$BUNDLE"
	run --separate-stderr rt run "$(new_id)" </dev/null
	[ "$status" -eq 0 ]
	[ "$output" = from-cwd-bundle ]
}

@test "bundle: a relative --bundle is stored as an absolute path" {
	local id
	id="$(new_id)"
	cd "$TESTDIR"
	rt create --bundle bundle "$id" </dev/null >/dev/null 2>&1 3>&- 4>&-
	[ "$(ctr_state "$id" .bundle)" = "$TESTDIR/bundle" ]
}
