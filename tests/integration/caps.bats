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
