#!/usr/bin/env bash
# The last line of a bats suite run: "N passed, N failed[, N skipped]" from its TAP stream,
# which contrib/test.sh reads. Exits non-zero when anything failed, also when bats itself did
# without a "not ok" line (a syntax error, a missing file).
#
#   tests/tap-summary.sh TAP-FILE BATS-STATUS
tap="$1" bats_rc="$2"
passed=$(grep -Ec '^ok [0-9]+' "$tap")
skipped=$(grep -Ec '^ok [0-9]+ .*# skip' "$tap")
failed=$(grep -Ec '^not ok [0-9]+' "$tap")
passed=$((passed - skipped))
if ((bats_rc != 0 && failed == 0)); then
	echo "# bats exited with status $bats_rc" >&2
	failed=1
fi
# The slowest tests (bats --timing ends each line with "in N ms"), to keep the suite's time in view.
grep -E '^ok [0-9]+ .* in [0-9]+ms$' "$tap" | grep -v ' # skip' | sed -E 's/^ok [0-9]+ (.*) in ([0-9]+)ms$/\2 \1/' |
	sort -rn | head -n 8 | awk '{ t = $1; sub(/^[0-9]+ /, ""); printf "# slow: %5.1f s  %s\n", t / 1000, $0 }'
summary="$passed passed, $failed failed"
((skipped > 0)) && summary+=", $skipped skipped"
echo "$summary"
((failed == 0))
