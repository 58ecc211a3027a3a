#!/usr/bin/env bats
# .process.capabilities, as /proc/self/status shows them.

load helpers

@test "caps: default capabilities are exactly the configured ones" {
	set_args cat /proc/self/status
	run_container
	[ "$status" -eq 0 ]
	[ "$(status_line CapBnd)" = $'CapBnd:\t'"$DEFAULT_CAPS_HEX" ]
	[ "$(status_line CapEff)" = $'CapEff:\t'"$DEFAULT_CAPS_HEX" ]
	[ "$(status_line CapPrm)" = $'CapPrm:\t'"$DEFAULT_CAPS_HEX" ]
	[ "$(status_line CapInh)" = $'CapInh:\t0000000000000000' ]
}

@test "caps: a non-root user's come from inheritable+ambient" {
	# After execve a non-root process keeps only its ambient set, so the
	# config must list the caps in inheritable, permitted and ambient.
	update_config '.process.user = {"uid": 1000, "gid": 1000}
		| .process.capabilities = {
			"bounding": ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_CHOWN"],
			"effective": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
			"permitted": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
			"inheritable": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
			"ambient": ["CAP_KILL", "CAP_NET_BIND_SERVICE"]}'
	set_args cat /proc/self/status
	run_container
	[ "$status" -eq 0 ]
	# CAP_CHOWN=0, CAP_KILL=5, CAP_NET_BIND_SERVICE=10
	[ "$(status_line CapBnd)" = $'CapBnd:\t0000000000000421' ]
	[ "$(status_line CapInh)" = $'CapInh:\t0000000000000420' ]
	[ "$(status_line CapPrm)" = $'CapPrm:\t0000000000000420' ]
	[ "$(status_line CapEff)" = $'CapEff:\t0000000000000420' ]
	[ "$(status_line CapAmb)" = $'CapAmb:\t0000000000000420' ]
}

@test "caps: empty sets leave root with no capabilities" {
	update_config '.process.capabilities = {"bounding": [], "effective": [], "permitted": [], "inheritable": [], "ambient": []}'
	set_args cat /proc/self/status
	run_container
	[ "$status" -eq 0 ]
	local set
	for set in CapBnd CapEff CapPrm CapInh CapAmb; do
		[ "$(status_line $set)" = "$set:"$'\t0000000000000000' ]
	done
}

# The init may drop the bounding set early (while it waits for the network namespace berth
# makes beside it), but never under a createContainer hook, which it runs before the process:
# the hook keeps the runtime's set, as in runc, and the process still gets the config's.
@test "caps: a createContainer hook runs with the runtime's bounding set, the process with the config's" {
	update_config '.hooks.createContainer = [{path: "/bin/sh", args: ["sh", "-c",
		"grep CapBnd /proc/self/status > \($o)/hook.bnd"]}]' --arg o "$TESTDIR"
	set_args cat /proc/self/status
	run_container
	[ "$status" -eq 0 ] || fail "run failed: $stderr"
	[ "$(status_line CapBnd)" = $'CapBnd:\t'"$DEFAULT_CAPS_HEX" ]
	[ "$(cat "$TESTDIR/hook.bnd")" = "$(grep CapBnd /proc/self/status)" ] ||
		fail "the hook saw $(cat "$TESTDIR/hook.bnd"), the runtime has $(grep CapBnd /proc/self/status)"
}
