#!/usr/bin/env bats
# The systemd cgroup driver with a hybrid systemd (cgroup v1 controllers, the unified tree for
# process tracking): systemd_helpers.bash mounts the host's v1 hierarchies (each rooted in a
# fresh cgroup) and cgroup2 on /unified, so the systemd it boots runs in hybrid mode and berth
# sees a hybrid host. v1 flavour: MemoryLimit, CPUShares; cpuset, freezer and the other v1
# hierarchies systemd leaves alone are joined by berth's cgroupfs manager, as runc does.

load helpers
load systemd_helpers

setup_file() {
	sd_can_boot || return 0
	[[ -n "$(sd_v1_mounts)" ]] || return 0
	sd_boot "$BATS_FILE_TMPDIR/sd" hybrid "$(dirname "$RUNTIME")" "$BATS_RUN_TMPDIR" 2>"$BATS_FILE_TMPDIR/sd-why" ||
		sd_shutdown
}

teardown_file() {
	sd_shutdown
	common_teardown_file
}

teardown() { sd_teardown; }

@test "systemd hybrid: v1 unit properties, the init in every hierarchy's scope dir, delete removes them" {
	[[ -n "$(sd_v1_mounts)" ]] || skip "the host has no cgroup v1 hierarchies"
	need_systemd
	update_config '.linux.resources.memory = {"limit": 104857600}
		| .linux.resources.pids = {"limit": 42}
		| .linux.resources.cpu = {"shares": 512, "cpus": "0"}'
	local id unit pid cg
	id="$(new_id)"
	unit="berth-$id.scope"
	set_cmd "exec sleep $LONG"
	sd_rt create --bundle "$BUNDLE" "$id" >/dev/null 2>"$TESTDIR/err" || fail "create: $(cat "$TESTDIR/err")"
	pid="$(sd_rt state "$id" | jq -r .pid)"
	[ "$(sd_show "$unit" ActiveState)" = active ]
	[ "$(sd_show "$unit" MemoryLimit)" = 104857600 ]
	[ "$(sd_show "$unit" CPUShares)" = 512 ]
	[ "$(sd_show "$unit" TasksMax)" = 42 ]
	# In the scope in every hierarchy: systemd's (memory, pids, name=systemd, unified) and
	# those berth joined itself (cpuset, freezer).
	cg="$(sd_in cat "/proc/$pid/cgroup")"
	local line
	while IFS= read -r line; do
		[[ "$line" == *":/system.slice/$unit" ]] || fail "not in the scope: $line" "$cg"
	done <<<"$cg"
	# The limits are in force in the v1 files: systemd's and berth's (cpuset).
	[ "$(sd_in cat "/sys/fs/cgroup/memory/system.slice/$unit/memory.limit_in_bytes")" = 104857600 ]
	[ "$(sd_in cat "/sys/fs/cgroup/pids/system.slice/$unit/pids.max")" = 42 ]
	[ "$(sd_in cat "/sys/fs/cgroup/cpu/system.slice/$unit/cpu.shares")" = 512 ]
	[ "$(sd_in cat "/sys/fs/cgroup/cpuset/system.slice/$unit/cpuset.cpus")" = 0 ]
	sd_rt pause "$id"
	[ "$(sd_in cat "/sys/fs/cgroup/freezer/system.slice/$unit/freezer.state")" = FROZEN ]
	sd_rt resume "$id"

	sd_rt delete -f "$id"
	[ "$(sd_show "$unit" LoadState)" = not-found ]
	for cg in cpuset freezer memory pids systemd unified; do
		sd_in test ! -e "/sys/fs/cgroup/$cg/system.slice/$unit" || fail "$cg: the scope's dir is left"
	done
	[ -z "$(state_entries)" ]
}
