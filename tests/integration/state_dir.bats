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
