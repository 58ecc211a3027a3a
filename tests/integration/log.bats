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
