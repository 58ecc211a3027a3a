#!/usr/bin/env bats
# `update`: new limits for a running container, from runc's flags and from a linux.resources
# object on stdin (how containerd's shim and CRI-O call it), seen in the cgroup files from
# inside the container; refused for a stopped container and for a bad value (nothing changed).

load helpers

cgroup_v1_host() { [ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ]; }

setup() {
	common_setup
	cgroup_v1_host || skip "the container's view below is of v1 files"
	update_config '.linux.resources.memory = {"limit": 67108864}
		| .linux.resources.pids = {"limit": 32}
		| .linux.resources.cpu = {"shares": 512, "quota": 50000, "period": 100000}'
	set_args sleep "$LONG"
}

# seen ID FILE — FILE under /sys/fs/cgroup as the container sees it (its cgroup namespace).
seen() { rt exec "$1" cat "/sys/fs/cgroup/$2"; }

@test "update: runc's flags change the limits the running container sees" {
	local id
	id="$(new_id)"
	start_ctr "$id"
	[ "$(seen "$id" memory/memory.limit_in_bytes)" = 67108864 ]
	rt update --memory 128m --memory-swap -1 --pids-limit 64 --cpu-quota 20000 --cpu-period 50000 --cpu-share 256 "$id"
	[ "$(seen "$id" memory/memory.limit_in_bytes)" = 134217728 ]
	[ "$(seen "$id" pids/pids.max)" = 64 ]
	[ "$(seen "$id" cpu/cpu.cfs_quota_us)" = 20000 ]
	[ "$(seen "$id" cpu/cpu.cfs_period_us)" = 50000 ]
	[ "$(seen "$id" cpu/cpu.shares)" = 256 ]
	if is_berth; then
		# Kept with the container: a later update starts from these.
		[ "$(jq -c '.linux.resources.memory.limit, .linux.resources.pids.limit' "$ROOT/$id/config.json" | tr '\n' ' ')" = "134217728 64 " ]
	fi
	rt update --pids-limit 100 "$id"
	[ "$(seen "$id" pids/pids.max)" = 100 ]
	[ "$(seen "$id" memory/memory.limit_in_bytes)" = 134217728 ]
}

@test "update: --resources - reads a linux.resources object from stdin, as containerd's shim sends it" {
	is_berth || skip "runc 1.1.5 dereferences a nil blockIO in this object and panics"
	local id
	id="$(new_id)"
	start_ctr "$id"
	rt update --resources - "$id" <<<'{"memory": {"limit": 100663296, "swap": null}, "cpu": {"quota": 30000, "period": 100000, "cpus": "0"}, "pids": {"limit": 50}, "devices": null}'
	[ "$(seen "$id" memory/memory.limit_in_bytes)" = 100663296 ]
	[ "$(seen "$id" cpu/cpu.cfs_quota_us)" = 30000 ]
	[ "$(seen "$id" pids/pids.max)" = 50 ]
	[ "$(seen "$id" cpuset/cpuset.cpus)" = 0 ]
	# The same from a file, and a paused container takes an update too.
	echo '{"pids": {"limit": 40}}' >"$TESTDIR/r.json"
	rt pause "$id"
	rt update -r "$TESTDIR/r.json" "$id"
	rt resume "$id"
	[ "$(seen "$id" pids/pids.max)" = 40 ]
}

@test "update: a bad value fails with its path and changes nothing; a stopped container is refused" {
	local id
	id="$(new_id)"
	start_ctr "$id"
	run --separate-stderr rt update --resources - "$id" <<<'{"pids": {"limit": "many"}}'
	[ "$status" -ne 0 ]
	if is_berth; then
		[[ "$stderr" == *".linux.resources.pids.limit: expected integer, got string"* ]]
	fi
	run --separate-stderr rt update --memory lots "$id"
	[ "$status" -ne 0 ]
	is_berth && [[ "$stderr" == *'--memory: invalid size "lots"'* ]]
	[ "$(seen "$id" pids/pids.max)" = 32 ]
	rt kill "$id" KILL
	wait_status "$id" stopped
	run --separate-stderr rt update --pids-limit 10 "$id"
	[ "$status" -ne 0 ]
}
