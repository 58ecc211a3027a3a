#!/usr/bin/env bats
# CRI-O's calls, with the exact argv shapes of its oci runtime handler (cri-o/cri-o,
# internal/oci/runtime_oci.go, pkg/config/config.go) and of conmon, which CRI-O has call the
# runtime for create and exec (containers/conmon, src/runtime_args.c); results checked as CRI-O
# parses them. CRI-O is not packaged in Debian 12, so CRI-O itself is not run here.
#
#   start-up      RUNTIME --version; RUNTIME features (JSON: ociVersionMin/Max required,
#                 mountOptions for "rro", linux.mountExtensions.idmap.enabled)
#   create        conmon: RUNTIME --root=R create --bundle B --pid-file P [--no-pivot]
#                 [--no-new-keyring] [--console-socket S] ID  (CRI-O passes the root as
#                 conmon's --runtime-arg "--root=R")
#   start         RUNTIME --root R start ID
#   state         RUNTIME --root R state ID -> JSON decoded into runtime-spec State plus
#                 "created" as a Go time.Time (RFC 3339); "stopped" makes CRI-O read the exit file
#   exec (sync)   conmon -e: RUNTIME --root=R exec --pid-file P --process F --detach ID
#   exec (stream) RUNTIME --root R exec --process F ID, the exit status is the process's
#   update        RUNTIME --root R update --resources - ID, linux.resources JSON on stdin
#   stop          RUNTIME --root R kill ID <stop signal as a number>, then kill ID KILL;
#                 kill [-a] ID <number> for signals; "container not running" on stderr = gone
#   pause/resume  RUNTIME --root R pause|resume ID
#   delete        RUNTIME --root R delete --force ID (also for a container already gone)
#   checkpoint    probed with `RUNTIME checkpoint --help`: exit 0 would mean "supported"
# --systemd-cgroup is added with cgroup_manager = "systemd" (systemd.bats tests that driver).
# Not run here: the console-socket create path (terminal.bats covers it), conmon itself (the
# podman tests run berth under conmon), CRI-O's checkpoint/restore (berth has none).

load helpers

setup() {
	common_setup
	set_args sleep "$LONG"
}

# crio ARGS... — the runtime as CRI-O's runtimeCmd calls it: --root R first.
crio() { timeout --kill-after=5 "$RT_TIMEOUT" "$RUNTIME" --root "$ROOT" "$@"; }

# conmon_create ID [FLAGS...] — create as conmon calls it for CRI-O, stdio to files.
conmon_create() {
	local id="$1"
	shift
	timeout --kill-after=5 "$RT_TIMEOUT" "$RUNTIME" "--root=$ROOT" create --bundle "$BUNDLE" \
		--pid-file "$TESTDIR/$id.pid" "$@" "$id" </dev/null >"$TESTDIR/$id.out" 2>"$TESTDIR/$id.err" 3>&- 4>&- ||
		fail "create $id failed ($?): $(cat "$TESTDIR/$id.err")"
}

# process_json ARG... — the container's process object with args replaced and terminal false,
# as CRI-O's prepareProcessExec writes it.
process_json() {
	jq_string_array "$@"
	jq -c "${JQ_ARRAY_ARGS[@]}" ".process | .args = $JQ_ARRAY | .terminal = false" "$BUNDLE/config.json"
}

# go_time TEXT — TEXT parses as Go's time.Time JSON (RFC 3339, optional fraction).
go_time() { [[ "$1" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$ ]]; }

# cgroup_file PID CONTROLLER FILE-V1 FILE-V2 — the value of PID's cgroup file, read on the host.
cgroup_file() {
	local pid="$1" ctl="$2" f1="$3" f2="$4" line path
	if [[ "$(stat -fc %T /sys/fs/cgroup)" == cgroup2fs ]]; then
		path="$(sed -n 's/^0:://p' "/proc/$pid/cgroup")"
		cat "/sys/fs/cgroup$path/$f2"
		return
	fi
	line="$(grep -E "^[0-9]+:([^:]*,)?$ctl(,[^:]*)?:" "/proc/$pid/cgroup")" || return
	path="${line#*:*:}"
	cat "/sys/fs/cgroup/$ctl$path/$f1"
}

@test "crio: start-up probes: --version and features as CRI-O reads them" {
	run --separate-stderr "$RUNTIME" --version
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^[a-z]+\ version\ [0-9] ]] || fail "$output"
	run --separate-stderr "$RUNTIME" features
	[ "$status" -eq 0 ] || fail "features: $stderr"
	# Required by CRI-O's LoadRuntimeFeatures; the rest must have the types it unmarshals into.
	jq -e '(.ociVersionMin | type == "string" and length > 0)
		and (.ociVersionMax | type == "string" and length > 0)
		and (.mountOptions | type == "array")
		and ((.linux.mountExtensions.idmap.enabled // false) | type == "boolean")' <<<"$output" ||
		fail "features output CRI-O would reject: $output"
}

@test "crio: create (conmon's argv, --root=R), start, state, kill by number, state stopped, delete --force" {
	local id pid json
	id="$(new_id)"
	# The container's init handles TERM (an init without a handler ignores it): that it stops shows
	# that kill ID 15 delivered SIGTERM.
	set_cmd "trap 'exit 0' TERM; sleep $LONG & wait"
	conmon_create "$id" --no-pivot
	pid="$(cat "$TESTDIR/$id.pid")"
	[[ "$pid" =~ ^[1-9][0-9]*$ ]] || fail "pid file: '$pid'"
	json="$(crio state "$id")"
	jq -e --arg id "$id" --arg b "$BUNDLE" --argjson pid "$pid" '
		.status == "created" and .id == $id and .pid == $pid and .bundle == $b
		and (.ociVersion | type == "string")
		and ((.annotations // {}) | type == "object")' <<<"$json" || fail "$json"
	go_time "$(jq -r .created <<<"$json")" || fail "created is no Go time: $json"

	crio start "$id"
	[ "$(crio state "$id" | jq -r .status)" = running ]
	# The container runs the configured command, in its own pid namespace.
	wait_for cmdline_matches "$pid" "sh -c trap *" || fail "init runs: $(cmdline_of "$pid")"
	[ "$(readlink "/proc/$pid/ns/pid")" != "$(host_ns pid)" ]
	# sh has set its TERM trap once its child sleep runs.
	wait_for pgrep -f -P "$pid" "sleep $LONG"

	# StopContainer: the stop signal as a number (SIGTERM = 15); sleep dies of it.
	crio kill "$id" 15
	wait_status "$id" stopped
	json="$(crio state "$id")"
	[ "$(jq -r .status <<<"$json")" = stopped ]
	# Killing again: CRI-O maps "container not running" on stderr to "already gone".
	run --separate-stderr crio kill "$id" KILL
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"container not running"* ]] || fail "kill of a stopped container: $stderr"

	crio delete --force "$id"
	run --separate-stderr crio state "$id"
	[ "$status" -ne 0 ]
	# DeleteContainer of a container already gone must not fail.
	crio delete --force "$id"
	root_is_empty
}

@test "crio: ExecSync as conmon runs it: exec --pid-file --process --detach; the process runs in the container" {
	local id init pid pf="$TESTDIR/exec.pid"
	id="$(new_id)"
	conmon_create "$id" --no-new-keyring
	crio start "$id"
	init="$(pid_of "$id")"
	process_json sleep "$((LONG + 1))" >"$TESTDIR/process.json"
	timeout --kill-after=5 "$RT_TIMEOUT" "$RUNTIME" "--root=$ROOT" exec --pid-file "$pf" \
		--process "$TESTDIR/process.json" --detach "$id" </dev/null >/dev/null 2>"$TESTDIR/exec.err" ||
		fail "exec failed: $(cat "$TESTDIR/exec.err")"
	pid="$(cat "$pf")"
	[[ "$pid" =~ ^[1-9][0-9]*$ ]] || fail "pid file: '$pid'"
	wait_for cmdline_matches "$pid" "sleep $((LONG + 1)) *" || fail "pid $pid runs $(cmdline_of "$pid")"
	local ns
	for ns in pid mnt net ipc uts; do
		[ "$(readlink "/proc/$pid/ns/$ns")" = "$(readlink "/proc/$init/ns/$ns")" ] || fail "exec'd process not in the $ns namespace"
	done
	crio kill -a "$id" 9 # signalContainer(all): every process, the exec'd one too
	wait_status "$id" stopped
	wait_for process_gone "$pid"
	crio delete --force "$id"
}

@test "crio: streaming exec: exec --process F ID in the foreground gives the output and the exit status" {
	local id
	id="$(new_id)"
	conmon_create "$id"
	crio start "$id"
	process_json sh -c 'echo to-stdout; echo to-stderr >&2; exit 3' >"$TESTDIR/process.json"
	run --separate-stderr crio exec --process "$TESTDIR/process.json" "$id"
	[ "$status" -eq 3 ] || fail "exit status $status: $stderr"
	[ "$output" = to-stdout ]
	[[ "$stderr" == *to-stderr* ]]
	crio delete --force "$id"
}

@test "crio: update --resources - with CRI-O's linux.resources JSON changes the cgroup" {
	local id pid
	id="$(new_id)"
	update_config '.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 32}}'
	conmon_create "$id"
	crio start "$id"
	pid="$(pid_of "$id")"
	[ "$(cgroup_file "$pid" memory memory.limit_in_bytes memory.max)" = 67108864 ]
	# As CRI-O marshals rspec.LinuxResources (omitempty fields left out).
	crio update --resources - "$id" <<<'{"memory":{"limit":134217728,"swap":268435456},"cpu":{"shares":512,"quota":50000,"period":100000},"pids":{"limit":64}}'
	[ "$(cgroup_file "$pid" memory memory.limit_in_bytes memory.max)" = 134217728 ]
	[ "$(cgroup_file "$pid" pids pids.max pids.max)" = 64 ]
	if [[ "$(stat -fc %T /sys/fs/cgroup)" == cgroup2fs ]]; then
		[ "$(cgroup_file "$pid" cpu x cpu.max)" = "50000 100000" ]
	else
		[ "$(cgroup_file "$pid" cpu cpu.cfs_quota_us x)" = 50000 ]
		[ "$(cgroup_file "$pid" cpu cpu.shares x)" = 512 ]
	fi
	crio delete --force "$id"
}

@test "crio: pause, state paused, resume, stop of a paused container (resume first, as CRI-O does)" {
	local id pid
	id="$(new_id)"
	conmon_create "$id"
	crio start "$id"
	pid="$(pid_of "$id")"
	crio pause "$id"
	[ "$(crio state "$id" | jq -r .status)" = paused ]
	[[ "$(cgroup_file "$pid" freezer freezer.state cgroup.freeze)" =~ ^(FROZEN|1)$ ]] || fail "not frozen"
	crio resume "$id"
	[ "$(crio state "$id" | jq -r .status)" = running ]
	[[ "$(cgroup_file "$pid" freezer freezer.state cgroup.freeze)" =~ ^(THAWED|0)$ ]] || fail "not thawed"
	crio pause "$id"
	crio resume "$id"
	crio kill "$id" 9
	wait_status "$id" stopped
	crio delete --force "$id"
}

@test "crio: checkpoint --help fails (no checkpoint/restore)" {
	is_berth || skip "runc has checkpoint"
	run --separate-stderr "$RUNTIME" checkpoint --help
	[ "$status" -ne 0 ]
}

@test "crio: contrib/crio/berth.conf is the runtime table CRI-O reads" {
	command -v python3 >/dev/null || skip "no python3"
	python3 -c 'import tomllib' 2>/dev/null || skip "python3 without tomllib"
	run python3 - "$BATS_TEST_DIRNAME/../../contrib/crio/berth.conf" <<'PY'
import sys, tomllib
with open(sys.argv[1], "rb") as f:
    conf = tomllib.load(f)
rt = conf["crio"]["runtime"]
h = rt["runtimes"]["berth"]
assert rt["cgroup_manager"] == "cgroupfs", rt
assert h["runtime_type"] == "oci", h
assert h["runtime_path"].endswith("/berth"), h
assert h["monitor_path"].endswith("/conmon"), h
# With cgroupfs CRI-O takes only "pod" or "" for the monitor's cgroup.
assert h["monitor_cgroup"] in ("pod", ""), h
assert h["monitor_exec_cgroup"] in ("", "container"), h
assert h["runtime_root"].startswith("/"), h
print("ok")
PY
	[ "$status" -eq 0 ] || fail "$output"
	[ "$output" = ok ]
}
