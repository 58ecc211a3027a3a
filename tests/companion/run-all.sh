#!/usr/bin/env bash
# Runs the companion-tool tests (berth-pull, berth-unpack): bats over tests/companion/*.bats.
#
#   BERTH_PULL=... BERTH_UNPACK=... RUNTIME=... tests/companion/run-all.sh [BATS-ARGS...]
#
# Prints the TAP stream, then a last line "N passed, N failed[, N skipped]" (contrib/test.sh
# reads it). Exits non-zero if any test failed (or bats itself failed).
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v bats >/dev/null || { echo "run-all.sh: bats not found" >&2; exit 2; }
export BATS_TEST_TIMEOUT="${BATS_TEST_TIMEOUT:-120}"

mapfile -t files < <(find "$here" -maxdepth 1 -name '*.bats' | LC_ALL=C sort)

tap="$(mktemp)"
trap 'rm -f "$tap"' EXIT
bats --tap --timing --print-output-on-failure "$@" "${files[@]}" </dev/null | tee "$tap"
bats_rc=${PIPESTATUS[0]}

"$here/../tap-summary.sh" "$tap" "$bats_rc"
