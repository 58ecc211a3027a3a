#!/usr/bin/env bats
# Hooks (runtime-spec config.md "POSIX-platform Hooks", runtime.md "Lifecycle"): every kind
# runs once, in order, in the namespaces the spec names, with the state on stdin and its
# args and env; a timeout or a failure before start fails the operation and leaves nothing
# behind; poststart and poststop failures are warnings.

load helpers

setup() {
	common_setup
	OUT="$TESTDIR/out"
	mkdir -p "$OUT"
	# startContainer hooks run in the container: they see $OUT at /out.
	update_config '.mounts += [{"destination": "/out", "type": "bind", "source": $o, "options": ["rbind", "rw"]}]
		| .annotations = {"org.berth.test": "hooks"}' --arg o "$OUT"
}

# The jq function rec(NAME; DIR): a hook that saves its stdin as DIR/NAME.json and its mount
# namespace as DIR/NAME.mnt, and appends NAME to DIR/order. DIR is as the hook sees it.
REC='def rec($n; $d): {path: "/bin/sh", args: ["sh", "-c",
	"cat > \($d)/\($n).json; readlink /proc/self/ns/mnt > \($d)/\($n).mnt; echo \($n) >> \($d)/order"]};'

# record_all_hooks — a rec() hook of every kind (startContainer's sees $OUT at /out).
record_all_hooks() {
	update_config "$REC"' .hooks = {prestart: [rec("prestart"; $o)], createRuntime: [rec("createRuntime"; $o)],
		createContainer: [rec("createContainer"; $o)], startContainer: [rec("startContainer"; "/out")],
		poststart: [rec("poststart"; $o)], poststop: [rec("poststop"; $o)]}' --arg o "$OUT"
}

# check_state NAME STATUS PID — what hook NAME got on stdin: the spec's fields, this container's.
check_state() {
	local got want
	got="$(jq -r '[.ociVersion != null, .id, .status, .pid // 0, .bundle, .annotations["org.berth.test"]]
		| map(tostring) | join("|")' "$OUT/$1.json")" || fail "$1: no state on stdin"
	want="true|$ID|$2|$3|$BUNDLE|hooks"
	[ "$got" = "$want" ] || fail "$1 got $(cat "$OUT/$1.json")" "  as $got" "expected $want"
}

# nothing_left ID — no state, no cgroup, no container process, no marker process.
nothing_left() {
	root_is_empty
	[ -z "$(find /sys/fs/cgroup -maxdepth 4 -type d -name "$1" 2>/dev/null)" ] || fail "cgroup left for $1"
	[ -z "$(procs_rooted_in "$BUNDLE/rootfs")" ] || fail "processes left in the rootfs"
	[ -z "$(pgrep -f "sleep $LONG")" ] || fail "a hook process is left: $(pgrep -af "sleep $LONG")"
}

@test "hooks: features lists every hook" {
	run --separate-stderr rt_raw features
	[ "$status" -eq 0 ]
	jq -e '.hooks | sort == ["createContainer", "createRuntime", "poststart", "poststop", "prestart", "startContainer"]' \
		<<<"$output" || fail "features: $output"
}

@test "hooks: create, start and delete run each kind once, in order, with the state on stdin" {
	record_all_hooks
	set_cmd 'echo process >> /out/order'
	ID="$(new_id)"
	create_ctr "$ID"
	local pid
	pid="$(pid_of "$ID")"
	# runc 1.1.5 runs the poststart hooks at create.
	if is_berth; then
		[ "$(cat "$OUT/order")" = "$(printf '%s\n' prestart createRuntime createContainer)" ] ||
			fail "after create: $(cat "$OUT/order")"
	fi
	# Runtime namespace: the host's mount namespace; container namespace: the init's.
	local host_mnt init_mnt
	host_mnt="$(host_ns mnt)"
	init_mnt="$(readlink "/proc/$pid/ns/mnt")"
	[ "$host_mnt" != "$init_mnt" ]
	[ "$(cat "$OUT/prestart.mnt")" = "$host_mnt" ]
	[ "$(cat "$OUT/createRuntime.mnt")" = "$host_mnt" ]
	[ "$(cat "$OUT/createContainer.mnt")" = "$init_mnt" ]

	rt start "$ID"
	wait_status "$ID" stopped
	[ "$(cat "$OUT/startContainer.mnt")" = "$init_mnt" ]
	[ "$(cat "$OUT/poststart.mnt")" = "$host_mnt" ]
	[ ! -e "$OUT/poststop.json" ] || fail "poststop ran before delete"
	rt delete "$ID"
	[ "$(cat "$OUT/poststop.mnt")" = "$host_mnt" ]
	root_is_empty

	# startContainer comes before the process; poststart once it runs (berth waits for the
	# execve), which may be before or after the process wrote its line.
	local order
	order="$(grep -v process "$OUT/order" | tr '\n' ' ')"
	if is_berth; then
		[ "$order" = "prestart createRuntime createContainer startContainer poststart poststop " ] || fail "order: $order"
		[ "$(sed -n 4p "$OUT/order")" = startContainer ] || fail "order: $(cat "$OUT/order")"
	fi
	[ "$(tail -n1 "$OUT/order")" = poststop ] || fail "order: $(cat "$OUT/order")"

	# prestart: "created" (crun, runtime-tools) where runc sends "creating".
	if is_berth; then
		check_state prestart created "$pid"
		check_state poststart running "$pid"
	fi
	check_state createRuntime creating "$pid"
	# In the container's pid namespace the init is pid 1.
	check_state createContainer creating 1
	check_state startContainer created 1
	check_state poststop stopped 0
}

@test "hooks: run runs every kind, poststop when it removes the container" {
	record_all_hooks
	set_cmd 'echo process-ran'
	ID="$(new_id)"
	run --separate-stderr run_ctr "$ID"
	[ "$status" -eq 0 ] || fail "run: $stderr"
	[ "$output" = process-ran ]
	[ "$(grep -c . "$OUT/order")" = 6 ] || fail "order: $(cat "$OUT/order")"
	[ "$(tail -n1 "$OUT/order")" = poststop ]
	check_state createContainer creating 1
	check_state poststop stopped 0
	root_is_empty
}

@test "hooks: during run, a hook that asks the runtime for the state sees the container created" {
	is_berth || skip "runc 1.1.5 keeps no state before the process starts (\"container does not exist\")"
	# A run with hooks shows "created" until its process starts, as create does; without hooks
	# it is "running" from its first record (state_dir.bats).
	ID="$(new_id)"
	update_config '.hooks.createRuntime = [{path: "/bin/sh", args: ["sh", "-c", $c, "hook", $r, $root, $id, $o]}]' \
		--arg c '"$1" --root "$2" state "$3" > "$4"' --arg r "$RUNTIME" --arg root "$ROOT" --arg id "$ID" \
		--arg o "$OUT/state.json"
	set_cmd 'echo process-ran'
	run --separate-stderr run_ctr "$ID"
	[ "$status" -eq 0 ] || fail "run: $stderr"
	[ "$(jq -r .status "$OUT/state.json")" = created ] || fail "state in the hook: $(cat "$OUT/state.json")"
	root_is_empty
}

@test "hooks: path, args and env as given; a hook without env inherits the runtime's" {
	local script='tr "\0" "\n" < /proc/$$/cmdline > $0.argv; env > $0.env'
	update_config '.hooks.createRuntime = [
		{path: "/bin/sh", args: ["my-hook", "-c", $s, $d + "/given", "two words"], env: ["HOOK_VAR=given value"]},
		{path: "/bin/sh", args: ["sh", "-c", $s, $d + "/inherited"]}]' --arg s "$script" --arg d "$OUT"
	ID="$(new_id)"
	HOOK_TEST_MARK=from-caller create_ctr "$ID"
	[ "$(sed -n 1p "$OUT/given.argv")" = my-hook ]
	[ "$(sed -n 5p "$OUT/given.argv")" = "two words" ]
	grep -qx 'HOOK_VAR=given value' "$OUT/given.env"
	! grep -q HOOK_TEST_MARK "$OUT/given.env" || fail "given env leaked the caller's: $(cat "$OUT/given.env")"
	grep -qx 'HOOK_TEST_MARK=from-caller' "$OUT/inherited.env" || fail "inherited: $(cat "$OUT/inherited.env")"
}

@test "hooks: a createRuntime hook past its timeout is killed and create leaves nothing" {
	update_config '.hooks.createRuntime = [{path: "/bin/sleep", args: ["sleep", $l], timeout: 1}]' --arg l "$LONG"
	ID="$(new_id)"
	local start=$SECONDS
	run --separate-stderr rt create --bundle "$BUNDLE" "$ID" </dev/null 3>&- 4>&-
	[ "$status" -ne 0 ] || fail "create succeeded"
	((SECONDS - start < 10)) || fail "create took $((SECONDS - start)) s"
	if is_berth; then
		[[ "$stderr" == *'.hooks.createRuntime[0] (/bin/sleep): timed out after 1 s'* ]] || fail "stderr: $stderr"
	fi
	nothing_left "$ID"
}

@test "hooks: a createContainer hook past its timeout is killed and run leaves nothing" {
	is_berth || skip "runc 1.1.5 leaves the container, its cgroup and the hook's child behind"
	update_config '.hooks.createContainer = [{path: "/bin/sh", args: ["sh", "-c", "sleep " + $l + " & wait"], timeout: 1}]' \
		--arg l "$LONG"
	set_cmd 'echo container-ran'
	ID="$(new_id)"
	run --separate-stderr run_ctr "$ID"
	[ "$status" -ne 0 ] || fail "run succeeded: $output"
	[[ "$output" != *container-ran* ]]
	if is_berth; then
		[[ "$stderr" == *'.hooks.createContainer[0] (/bin/sh): timed out after 1 s'* ]] || fail "stderr: $stderr"
	fi
	wait_for nothing_left "$ID"
}

@test "hooks: a failing createRuntime hook fails create with its stderr, leaves nothing, runs poststop" {
	update_config "$REC"' .hooks.createRuntime = [{path: "/bin/sh", args: ["sh", "-c", "echo hook-says-no >&2; exit 3"]}]
		| .hooks.createContainer = [rec("createContainer"; $o)] | .hooks.poststop = [rec("poststop"; $o)]' --arg o "$OUT"
	ID="$(new_id)"
	run --separate-stderr rt create --bundle "$BUNDLE" "$ID" </dev/null 3>&- 4>&-
	[ "$status" -ne 0 ] || fail "create succeeded"
	if is_berth; then
		[[ "$stderr" == *'.hooks.createRuntime[0] (/bin/sh): exited with status 3: hook-says-no'* ]] || fail "stderr: $stderr"
	fi
	[ ! -e "$OUT/createContainer.json" ] || fail "the createContainer hook ran after a failed createRuntime hook"
	nothing_left "$ID"
	# Lifecycle: a failed create still destroys the container and runs the poststop hooks.
	check_state poststop stopped 0
}

@test "hooks: failing createContainer and startContainer hooks fail run before the process" {
	local kind
	for kind in createContainer startContainer; do
		update_config '.hooks = {($k): [{path: "/bin/sh", args: ["sh", "-c", "echo no-" + $k + " >&2; exit 7"]}]}' \
			--arg k "$kind"
		set_cmd 'echo container-ran'
		ID="$(new_id)"
		run --separate-stderr run_ctr "$ID"
		[ "$status" -ne 0 ] || fail "$kind: run succeeded"
		[[ "$output" != *container-ran* ]] || fail "$kind: the process ran"
		if is_berth; then
			[[ "$stderr" == *".hooks.$kind[0] (/bin/sh): exited with status 7: no-$kind"* ]] || fail "stderr: $stderr"
		fi
		nothing_left "$ID"
	done
}

@test "hooks: a startContainer hook runs in the container, its path resolved there" {
	# /bin/hook-only-in-rootfs exists in the rootfs, not on the host.
	[ ! -e /bin/hook-only-in-rootfs ]
	cp "$BUNDLE/rootfs/etc/passwd" "$OUT/expected"
	printf '#!/bin/sh\ncat > /out/start.json; cat /etc/passwd > /out/passwd\n' >"$BUNDLE/rootfs/bin/hook-only-in-rootfs"
	chmod +x "$BUNDLE/rootfs/bin/hook-only-in-rootfs"
	update_config '.hooks.startContainer = [{path: "/bin/hook-only-in-rootfs"}]'
	ID="$(new_id)"
	run --separate-stderr run_ctr "$ID"
	[ "$status" -eq 0 ] || fail "run: $stderr"
	cmp "$OUT/expected" "$OUT/passwd"
	[ "$(jq -r .status "$OUT/start.json")" = created ]
}

@test "hooks: a failing poststart hook is a warning; the container runs" {
	is_berth || skip "runc 1.1.5 runs poststart hooks at create and fails it when one fails"
	update_config "$REC"' .hooks.poststart = [{path: "/bin/sh", args: ["sh", "-c", "echo poststart-fails >&2; exit 1"]},
		rec("poststart"; $o)]' --arg o "$OUT"
	set_cmd "echo ran > /out/ran; sleep $LONG"
	ID="$(new_id)"
	create_ctr "$ID"
	run --separate-stderr rt start "$ID"
	[ "$status" -eq 0 ] || fail "start failed: $stderr"
	[[ "$stderr" == *'warning'*'.hooks.poststart[0] (/bin/sh): exited with status 1: poststart-fails'* ]] || fail "stderr: $stderr"
	# The next hook still ran, and the container runs.
	check_state poststart running "$(pid_of "$ID")"
	wait_for test -e "$OUT/ran"
	[ "$(ctr_state "$ID")" = running ]
	rt kill "$ID" KILL
	wait_status "$ID" stopped
	rt delete "$ID"
}

@test "hooks: poststop runs at delete from the config kept at create; its failure is a warning" {
	# runc 1.1.5 stops at the first failing poststop hook.
	local failing='{path: "/bin/false"}'
	is_berth || failing=empty
	update_config "$REC"' .hooks.poststop = ['"$failing"', rec("poststop"; $o)]' --arg o "$OUT"
	ID="$(new_id)"
	create_ctr "$ID"
	# The bundle's config changing or going away does not matter.
	rm "$BUNDLE/config.json"
	[ ! -e "$OUT/poststop.json" ]
	run --separate-stderr rt delete -f "$ID"
	[ "$status" -eq 0 ] || fail "delete: $stderr"
	if is_berth; then
		[[ "$stderr" == *'.hooks.poststop[0] (/bin/false): exited with status 1'* ]] || fail "stderr: $stderr"
	fi
	check_state poststop stopped 0
	root_is_empty
}

@test "hooks: poststart hooks may drive the runtime on their container" {
	is_berth || skip "runc 1.1.5 runs poststart hooks at create"
	# The runtime must not hold the container's lock while they run: kill would wait for it.
	ID="$(new_id)"
	update_config '.hooks.poststart = [{path: $rt, args: ["runtime", "--root", $root, "kill", $id, "KILL"], timeout: 5}]' \
		--arg rt "$RUNTIME" --arg root "$ROOT" --arg id "$ID"
	set_cmd "sleep $LONG"
	create_ctr "$ID"
	run --separate-stderr rt start "$ID"
	[ "$status" -eq 0 ] || fail "start: $stderr"
	[ -z "$stderr" ] || fail "start warned: $stderr"
	wait_status "$ID" stopped
	rt delete "$ID"
}
