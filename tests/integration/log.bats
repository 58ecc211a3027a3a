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
	# .linux.resources.devices) must not add runtime chatter to it.
	# hugepageLimits: a field berth does not apply (no hugetlb controller
	# here), so there is something to log.
	update_config '.linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 209715200}]'
	set_cmd 'echo container-out; echo container-err >&2'
	run --separate-stderr rt --log "$TESTDIR/log.txt" run --bundle "$BUNDLE" "$(new_id)" </dev/null
	[ "$status" -eq 0 ] || fail "run failed ($status): $output" "$stderr"
	[ "$output" = container-out ]
	[ "$stderr" = container-err ] || fail "stderr holds more than the container's: $stderr"
	if is_berth; then
		grep -q 'level=warning msg="config.json: .linux.resources.hugepageLimits: ' "$TESTDIR/log.txt" ||
			fail "no resource warning in the log:" "$(cat "$TESTDIR/log.txt")"
	fi
	# create too: nothing but the container's own output.
	local id
	id="$(new_id)"
	create_ctr "$id"
	rt start "$id"
	wait_status "$id" stopped
	[ "$(ctr_err "$id")" = container-err ] || fail "create's stderr: $(ctr_err "$id")"
}
