#!/usr/bin/env bats
# --log and --log-format: a failure recorded in the log file.

load helpers

@test "log: --log-format json records the failure as JSON" {
	set_args /nonexistent
	run --separate-stderr rt --log "$TESTDIR/log.json" --log-format json create --bundle "$BUNDLE" "$(new_id)" </dev/null
	[ "$status" -ne 0 ]
	[ -s "$TESTDIR/log.json" ]
	# Every line is a JSON object with level and msg; at least one error.
	jq -e -s 'length > 0 and all(type == "object" and has("level") and has("msg"))' "$TESTDIR/log.json"
	jq -e -s 'map(select(.level == "error")) | length >= 1' "$TESTDIR/log.json"
	if is_berth; then
		# berth logs one object per failure, not a cascade of wrapped errors.
		jq -e -s 'length == 1 and .[0].level == "error"' "$TESTDIR/log.json"
	fi
	root_is_empty
}

@test "log: resource limits not applied are logged, never printed into the container's output" {
	# Under run, stderr is the container's: a stock config (it sets
	# .linux.resources.devices) must not add runtime chatter to it, nor
	# must limits the runtime does not apply yet (cpu.shares: runc 1.1
	# applies it on any cgroup version, so the test runs with runc too).
	update_config '.linux.resources.cpu = {"shares": 512}'
	set_cmd 'echo container-out; echo container-err >&2'
	run --separate-stderr rt --log "$TESTDIR/log.txt" run --bundle "$BUNDLE" "$(new_id)" </dev/null
	[ "$status" -eq 0 ] || fail "run failed ($status): $output" "$stderr"
	[ "$output" = container-out ]
	[ "$stderr" = container-err ] || fail "stderr holds more than the container's: $stderr"
	if is_berth; then
		# What berth leaves unapplied is recorded in the log, as a warning
		# (unit test "log: the warning for resource limits ...").
		! grep '\.linux\.resources' "$TESTDIR/log.txt" | grep -v 'level=warning msg="config.json: ' ||
			fail "resource lines in the log:" "$(cat "$TESTDIR/log.txt")"
	fi
	# create too: nothing but the container's own output.
	local id
	id="$(new_id)"
	create_ctr "$id"
	rt start "$id"
	wait_status "$id" stopped
	[ "$(ctr_err "$id")" = container-err ] || fail "create's stderr: $(ctr_err "$id")"
}

@test "log: --debug records each step of run in the log file" {
	# A user namespace, so that id maps are written too.
	setup_userns_bundle
	set_cmd 'echo container-ran'
	local id log="$TESTDIR/debug.log"
	id="$(new_id)"
	run --separate-stderr rt --debug --log "$log" run --bundle "$BUNDLE" "$id" </dev/null
	[ "$status" -eq 0 ] || fail "run failed ($status): $output" "$stderr"
	[ "$output" = container-ran ]
	grep -q 'level=debug' "$log" || fail "no debug lines:" "$(cat "$log")"
	is_berth || return 0
	# One line per step, in the text format; $1 is a regex for the message.
	step() {
		grep -qE "^time=\"[^\"]+\" level=debug msg=\"run $id: $1" "$log" || fail "no debug line for: $1" "$(cat "$log")"
	}
	step "config loaded: bundle $BUNDLE, rootfs $BUNDLE/rootfs\""
	step "cgroup: [^\"]*/$id"
	step 'namespaces: new [a-z ]*mount[a-z ]*pid[a-z ]*user[a-z ]*; join none"'
	step 'cloned [0-9]+ \(the init\)'
	step 'id maps of [0-9]+ written: uid_map 0 100000 65536; gid_map 0 100000 65536"'
	step 'handshake: sent go"'
	step 'handshake: sent cgroup_ready"'
	step 'handshake: received ready"'
	step 'init [0-9]+ execs sh -c echo container-ran \(cwd /, uid 0, gid 0\)"'
	step "state written: running, pid [0-9]+, $ROOT/$id/state.json\""
	step 'config kept with the state"'
	step 'init [0-9]+ exec.d its process"'
	# Nothing but debug lines (and the note for the stock config's ambient
	# capabilities), and nothing on stderr but the container's.
	[ -z "$(grep -v 'level=debug' "$log" | grep -v 'level=warning')" ] || fail "other lines:" "$(cat "$log")"
	[ -z "$stderr" ] || fail "stderr: $stderr"
}
