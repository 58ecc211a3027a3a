#!/usr/bin/env bash
# Run the berth integration suite against a runc-compatible runtime.
#
#   tests/integration/run-all.sh [RUNTIME] [BATS-ARGS...]
#
# RUNTIME defaults to $RUNTIME, then $BERTH, then `berth` in PATH.  Set
# IS_BERTH= (empty) to skip berth-only assertions when the binary is not
# called berth*, or IS_BERTH=1 to force them.
#
# Prints the TAP stream, then a last line "N passed, N failed[, N skipped]".
# Exits non-zero if any test failed (or bats itself failed).
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [[ $# -gt 0 && "$1" != -* ]]; then
	RUNTIME="$1"
	shift
fi
RUNTIME="${RUNTIME:-${BERTH:-berth}}"
if [[ "$RUNTIME" != */* ]]; then
	RUNTIME="$(command -v "$RUNTIME" || echo "$RUNTIME")"
elif [[ "$RUNTIME" != /* ]]; then
	RUNTIME="$PWD/$RUNTIME" # tests cd around
fi
export RUNTIME

if [[ $EUID -ne 0 ]]; then
	echo "run-all.sh: the integration tests need root" >&2
	exit 2
fi
if [[ ! -x "$RUNTIME" ]]; then
	echo "run-all.sh: runtime '$RUNTIME' not found or not executable" >&2
	exit 2
fi
command -v bats >/dev/null || { echo "run-all.sh: bats not found" >&2; exit 2; }
command -v jq >/dev/null || { echo "run-all.sh: jq not found" >&2; exit 2; }

# A hung test is killed (bats >= 1.7); the runtime calls have their own
# shorter timeout (RT_TIMEOUT in helpers.bash).
export BATS_TEST_TIMEOUT="${BATS_TEST_TIMEOUT:-60}"

echo "# runtime: $RUNTIME ($("$RUNTIME" --version 2>/dev/null | head -n1))"
echo "# berth-only assertions: ${IS_BERTH-auto}"

# zz-cleanup.bats sorts last on purpose.
mapfile -t files < <(find "$here" -maxdepth 1 -name '*.bats' | LC_ALL=C sort)

tap="$(mktemp)"
trap 'rm -f "$tap"' EXIT
bats --tap --timing --print-output-on-failure "$@" "${files[@]}" </dev/null | tee "$tap"
bats_rc=${PIPESTATUS[0]}

# The default cgroupsPath puts containers under /berth/<id>; once the suite's containers are
# gone, the parent left in each hierarchy is empty. rmdir only removes it when nothing else
# (another berth container on this machine) lives there.
for parent in /sys/fs/cgroup/berth /sys/fs/cgroup/*/berth; do
	[[ -d "$parent" ]] && rmdir "$parent" 2>/dev/null
done

"$here/../tap-summary.sh" "$tap" "$bats_rc"
