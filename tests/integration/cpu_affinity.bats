#!/usr/bin/env bats
# process.execCPUAffinity: the CPUs the container process may run on.

load helpers

@test "cpu_affinity: final affinity is what the process sees" {
	update_config '.process.execCPUAffinity = {"initial": "0-1", "final": "0"}'
	set_cmd 'grep Cpus_allowed_list /proc/self/status'
	run_container
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *$'Cpus_allowed_list:\t0' ]]
}

@test "cpu_affinity: a bad CPU list names its JSON path" {
	update_config '.process.execCPUAffinity = {"final": "3-1"}'
	run_container
	[ "$status" -ne 0 ]
	is_berth && [[ "$stderr" == *".process.execCPUAffinity.final: invalid CPU list"* ]]
	root_is_empty
}

# Without execCPUAffinity the container gets the runtime's own mask, whatever CPU the runtime
# kept its init off while both worked (berth: cpu_placement.hpp). A createContainer hook,
# which the init runs, sees it too. With LIST, the runtime runs under `taskset -c LIST`.
check_inherited_affinity() {
	local -a pin=()
	[[ -n "${1:-}" ]] && pin=(taskset -c "$1")
	update_config '.hooks.createContainer = [{path: "/bin/sh", args: ["sh", "-c",
		"grep Cpus_allowed_list /proc/self/status > \($o)/hook.cpus"]}]' --arg o "$TESTDIR"
	set_cmd 'grep Cpus_allowed_list /proc/self/status'
	local want
	want="$("${pin[@]}" grep Cpus_allowed_list /proc/self/status)"
	run --separate-stderr "${pin[@]}" timeout --kill-after=5 "$RT_TIMEOUT" "$RUNTIME" --root "$ROOT" \
		run --bundle "$BUNDLE" "$(new_id)" </dev/null
	echo "$output"
	[ "$status" -eq 0 ] || fail "run failed: $stderr"
	[ "$output" = "$want" ] || fail "the process saw '$output', the runtime had '$want'"
	[ "$(cat "$TESTDIR/hook.cpus")" = "$want" ] || fail "the createContainer hook saw $(cat "$TESTDIR/hook.cpus")"
}

@test "cpu_affinity: without execCPUAffinity the process and hooks get the runtime's mask" {
	check_inherited_affinity
}

@test "cpu_affinity: a runtime pinned to CPUs passes exactly those on" {
	local n
	n="$(nproc)"
	((n >= 2)) || skip "one CPU"
	check_inherited_affinity "0,$((n - 1))"
	check_inherited_affinity "$((n - 1))"
}
