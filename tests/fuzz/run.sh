#!/usr/bin/env bash
# Builds the config.json fuzzer with clang (libFuzzer, ASan, UBSan) and runs it.
#   tests/fuzz/run.sh [SECONDS] [BERTH]     (default 60 s; BERTH seeds the corpus via `berth spec`)
# Needs clang and Debian's libclang-rt-14-dev. Not part of the test suite: a time-boxed search.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-60}
berth=${2:-build/src/cli/berth}
out=$(mktemp -d /tmp/berth-fuzz.XXXXXX)
trap 'rm -rf "$out"' EXIT
clang++ -std=c++20 -D_GNU_SOURCE -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -Iinclude -I. tests/fuzz/config_fuzz.cpp src/spec/*.cpp src/util/*.cpp -o "$out/config_fuzz"
mkdir -p "$out/corpus"
if [ -x "$berth" ]; then
  "$berth" spec --bundle "$out" && cp "$out/config.json" "$out/corpus/default.json"
  rm -f "$out/config.json"
  "$berth" spec --rootless --bundle "$out" && cp "$out/config.json" "$out/corpus/rootless.json"
fi
# Findings (crash-*, leak-*) land in tests/fuzz/findings/ to be turned into unit tests.
mkdir -p tests/fuzz/findings
"$out/config_fuzz" -max_total_time="$secs" -max_len=8192 -artifact_prefix=tests/fuzz/findings/ "$out/corpus"
