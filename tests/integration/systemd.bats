#!/usr/bin/env bats
# The systemd cgroup driver (--systemd-cgroup, --cgroup-manager=systemd): berth asks systemd for
# a transient scope holding the container's init, with the limits as unit properties. Against a
# real systemd booted as PID 1 in namespaces of its own (systemd_helpers.bash; its cgroup2 mount
# makes it a pure cgroup v2 systemd, also on a hybrid host); berth runs in those namespaces.
# The property translation itself (v1 and v2) is unit-tested (tests/unit/test_systemd.cpp).

load helpers
load systemd_helpers

setup_file() {
	sd_can_boot || return 0
	sd_boot "$BATS_FILE_TMPDIR/sd" unified "$(dirname "$RUNTIME")" "$BATS_RUN_TMPDIR" 2>"$BATS_FILE_TMPDIR/sd-why" ||
		sd_shutdown
}

teardown_file() {
	sd_shutdown
	common_teardown_file
}

teardown() { sd_teardown; }

@test "systemd: the init runs in a transient scope with the limits as unit properties; delete stops it" {
	need_systemd
	update_config '.linux.resources.memory = {"limit": 104857600}
		| .linux.resources.pids = {"limit": 42}
		| .linux.resources.cpu = {"quota": 50000, "period": 100000}'
	local id unit pid
	id="$(new_id)"
	unit="berth-$id.scope"
	set_cmd "grep ^0:: /proc/self/cgroup; exec sleep $LONG"
	sd_rt create --bundle "$BUNDLE" "$id" >"$TESTDIR/out" 2>"$TESTDIR/err" || fail "create: $(cat "$TESTDIR/err")"
	pid="$(sd_rt state "$id" | jq -r .pid)"
	# The init is in the scope before it runs anything of the container.
	[ "$(sd_in grep '^0::' "/proc/$pid/cgroup")" = "0::/system.slice/$unit" ] || fail "$(sd_in cat "/proc/$pid/cgroup")"
	[ "$(sd_show "$unit" ActiveState)" = active ]
	[ "$(sd_show "$unit" Slice)" = system.slice ]
	[ "$(sd_show "$unit" Delegate)" = yes ]
	[ "$(sd_show "$unit" TasksMax)" = 42 ]
	[ "$(sd_show "$unit" MemoryMax)" = 104857600 ]
	[ "$(sd_show "$unit" CPUQuotaPerSecUSec)" = 500ms ]
	[ "$(sd_show "$unit" DevicePolicy)" = strict ]
	[[ "$(sd_show "$unit" DeviceAllow)" == *"/dev/char/1:3 rwm"* ]] || fail "$(sd_show "$unit" DeviceAllow)"
	[[ "$(sd_show "$unit" Description)" == "berth container $id" ]]

	sd_rt start "$id"
	wait_for grep -q . "$TESTDIR/out"
	[ "$(cat "$TESTDIR/out")" = "0::/system.slice/$unit" ] || fail "the container saw $(cat "$TESTDIR/out")"
	[ "$(sd_rt ps --format json "$id" | jq -c .)" = "[$pid]" ]

	# update goes to systemd too; pause through the scope's cgroup.freeze.
	sd_rt update --pids-limit 55 --memory 200M "$id"
	[ "$(sd_show "$unit" TasksMax)" = 55 ]
	[ "$(sd_show "$unit" MemoryMax)" = 209715200 ]
	sd_rt pause "$id"
	[ "$(sd_rt state "$id" | jq -r .status)" = paused ]
	[ "$(sd_in cat "/sys/fs/cgroup/system.slice/$unit/cgroup.freeze")" = 1 ]
	sd_rt resume "$id"

	sd_rt kill "$id" KILL
	sd_rt delete -f "$id"
	[ "$(sd_show "$unit" LoadState)" = not-found ]
	sd_in test ! -e "/sys/fs/cgroup/system.slice/$unit"
	[ -z "$(state_entries)" ]
}

@test "systemd: cgroupsPath slice:prefix:name, nested slices, --cgroup-manager=systemd" {
	need_systemd
	local id unit
	id="$(new_id)"
	unit="pfx-$id.scope"
	update_config '.linux.cgroupsPath = $p' --arg p "berthtest-a.slice:pfx:$id"
	set_cmd 'grep ^0:: /proc/self/cgroup'
	run --separate-stderr sd_in timeout 20 "$RUNTIME" --root "$ROOT" --cgroup-manager=systemd run --bundle "$BUNDLE" "$id"
	[ "$status" -eq 0 ] || fail "$stderr"
	[ "$output" = "0::/berthtest.slice/berthtest-a.slice/$unit" ] || fail "$output"
	# run deleted it: the scope is gone with it.
	[ "$(sd_show "$unit" LoadState)" = not-found ]
	[ -z "$(state_entries)" ]
}

@test "systemd: a failed create leaves no unit, and never stops another container's" {
	need_systemd
	local a b c
	a="$(new_id)"
	b="$(new_id)"
	update_config '.linux.cgroupsPath = $p' --arg p "system.slice:pfx:shared-$a"
	set_cmd "exec sleep $LONG"
	sd_rt create --bundle "$BUNDLE" "$a" >/dev/null 2>&1
	run --separate-stderr sd_rt create --bundle "$BUNDLE" "$b"
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"pfx-shared-$a.scope"* ]] || fail "$stderr"
	[ "$(sd_show "pfx-shared-$a.scope" ActiveState)" = active ]
	[ "$(sd_rt state "$a" | jq -r .status)" = created ]
	sd_rt delete -f "$a"

	# The scope existed for a moment: the init's exec fails after it was placed.
	c="$(new_id)"
	update_config '.linux.cgroupsPath = ""'
	set_args /no/such/binary
	run --separate-stderr sd_rt create --bundle "$BUNDLE" "$c"
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"no such file or directory"* ]] || fail "$stderr"
	[ "$(sd_show "berth-$c.scope" LoadState)" = not-found ]
	[ -z "$(state_entries)" ]
}

@test "systemd: cgroupsPath not in slice:prefix:name form is refused with its JSON path" {
	is_berth || skip "berth's error text"
	update_config '.linux.cgroupsPath = "/berth/x"'
	run --separate-stderr rt --systemd-cgroup create --bundle "$BUNDLE" "$(new_id)"
	[ "$status" -ne 0 ]
	[[ "$stderr" == *'config.json: .linux.cgroupsPath: "/berth/x" is not of the form slice:prefix:name'* ]] || fail "$stderr"
	root_is_empty
}

@test "systemd: without a running systemd, create fails before any process exists" {
	is_berth || skip "berth's error text"
	[[ ! -e /run/systemd/private ]] || skip "systemd runs on this host"
	run --separate-stderr rt --systemd-cgroup create --bundle "$BUNDLE" "$(new_id)"
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"needs a running systemd: /run/systemd/private: no such file or directory"* ]] || fail "$stderr"
	root_is_empty
}
