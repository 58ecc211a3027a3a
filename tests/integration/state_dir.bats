#!/usr/bin/env bats
# What the runtime keeps about a container in its --root state directory: the config it was
# created from, so later commands do not depend on the bundle staying as it was.

load helpers

@test "state dir: the config a container was created from is kept with it" {
	is_berth || skip "berth's own state layout"
	local id
	id="$(new_id)"
	set_args sleep "$LONG"
	create_ctr "$id"
	# Exactly the bundle's config.json as it was at create, readable by root only.
	cmp "$BUNDLE/config.json" "$ROOT/$id/config.json"
	[ "$(stat -c %a "$ROOT/$id/config.json")" = 600 ]
	# The bundle changes or goes away: the container's lifecycle goes on from its own copy.
	update_config '.process.args = ["false"]'
	! cmp -s "$BUNDLE/config.json" "$ROOT/$id/config.json"
	rm "$BUNDLE/config.json"
	rt start "$id"
	[ "$(ctr_state "$id")" = running ]
	rt kill "$id" KILL
	wait_status "$id" stopped
	rt delete "$id"
	[ ! -e "$ROOT/$id" ]
}

@test "state dir: a create that fails keeps no config behind" {
	local id
	id="$(new_id)"
	update_config '.mounts += [{"destination": "/x", "type": "bind", "source": "/nonexistent-berth-source"}]'
	run rt create --bundle "$BUNDLE" "$id"
	[ "$status" -ne 0 ]
	root_is_empty
}

# renames_of TRACE FILE — how many times the traced runtime renamed a temp file onto FILE.
renames_of() { grep -cE "renameat2\(.*\"$2\", RENAME_(NOREPLACE|EXCHANGE)\) = 0" "$1" || true; }

@test "state dir: run writes its record and its config once each, and the container is running from the first" {
	is_berth || skip "berth's own state layout"
	# A run without hooks has nobody to show "created" to: one record, "running", and each
	# file is a new inode (~0.2 ms apiece on a filesystem that allocates them slowly).
	local id
	id="$(new_id)"
	set_args sleep "$LONG"
	# Not -f, and the process's output to a file: it outlives the run.
	strace -qq -o "$TESTDIR/trace" -e trace=renameat2 -e signal=none \
		"$RUNTIME" --root "$ROOT" run --detach --bundle "$BUNDLE" "$id" </dev/null >"$TESTDIR/run.out" 2>&1 ||
		fail "run failed: $(cat "$TESTDIR/run.out")"
	[ "$(renames_of "$TESTDIR/trace" state.json)" = 1 ] || fail "state.json:" "$(grep renameat2 "$TESTDIR/trace")"
	[ "$(renames_of "$TESTDIR/trace" config.json)" = 1 ] || fail "config.json:" "$(grep renameat2 "$TESTDIR/trace")"
	[ "$(ctr_state "$id")" = running ]
	cmp "$BUNDLE/config.json" "$ROOT/$id/config.json"
	# The config kept is what exec and delete read: an exec gets the container's env from it.
	local want
	want="$(jq -r '.process.env[] | select(startswith("PATH=")) | ltrimstr("PATH=")' "$BUNDLE/config.json")"
	run rt exec "$id" sh -c 'echo "$PATH"'
	[ "$status" -eq 0 ] && [ -n "$want" ] && [ "$output" = "$want" ] || fail "exec: PATH '$output', config's '$want'"
	rt kill "$id" KILL
	wait_status "$id" stopped
	rt delete "$id"
	root_is_empty
}
