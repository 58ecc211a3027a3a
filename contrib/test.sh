#!/usr/bin/env bash
# The whole test suite in one command: install what is missing, build with warnings as errors,
# run the unit tests and the integration tests (real containers; needs root).
set -euo pipefail
cd "$(dirname "$0")/.."
contrib/install-deps.sh test
contrib/build.sh -Dwerror=true -Dtests=true
set +e
meson test -C build --print-errorlogs --no-rebuild
status=$?
set -e
# One closing line that counts Catch2's and bats' cases together.
python3 - build/meson-logs/testlog.json <<'PY' || true
import json, re, sys
passed = failed = skipped = 0
for line in open(sys.argv[1]):
    t = json.loads(line)
    # A whole meson test that exited 77 (unit-root without root).
    if t.get("result") == "SKIP":
        skipped += 1; continue
    out = t.get("stdout", "")
    m = re.search(r"All tests passed \(\d+ assertions? in (\d+) test cases?\)", out)
    if m:
        passed += int(m.group(1)); continue
    m = re.search(r"test cases: *(\d+) \| *(\d+) passed \| *(\d+) failed", out)
    if m:
        passed += int(m.group(2)); failed += int(m.group(3)); continue
    m = re.search(r"^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$", out, re.M)
    if m:
        passed += int(m.group(1)); failed += int(m.group(2)); skipped += int(m.group(3) or 0); continue
    if t.get("result") != "OK":
        failed += 1
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
PY
exit $status
