#!/usr/bin/env bash
# The main job in one command: install what is missing, build, make a busybox bundle and run
# it with `berth run`, showing that the container is isolated.
set -euo pipefail
cd "$(dirname "$0")/.."
contrib/install-deps.sh test
contrib/build.sh
berth=$PWD/build/src/cli/berth
bundle=$(mktemp -d /tmp/berth-quickstart.XXXXXX)
trap 'rm -rf "$bundle"' EXIT
contrib/make-busybox-bundle.sh "$bundle" "$berth"
# No tty here: a plain process that reports what it sees.
jq '.process.terminal = false | .process.args = ["sh", "-c",
  "echo \"hostname: $(hostname)\"; echo \"my pid: $$\"; echo \"processes I can see:\"; ps -o pid,comm | sed \"s/^/  /\"; echo \"uid: $(id -u)\"; echo \"my mounts:\"; cat /proc/self/mountinfo | cut -d\" \" -f5,9 | sed \"s/^/  /\""]' \
  "$bundle/config.json" > "$bundle/config.json.new"
mv "$bundle/config.json.new" "$bundle/config.json"
echo "== berth run (bundle $bundle)"
"$berth" --root /run/berth run --bundle "$bundle" "quickstart-$$"
