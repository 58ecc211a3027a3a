#!/usr/bin/env bash
# Shared by the companion-tool tests (berth-pull, berth-unpack). The tools come from the
# environment the meson test `companion` sets: BERTH_PULL, BERTH_UNPACK, and RUNTIME (berth).
COMPANION_DIR="$BATS_TEST_DIRNAME"
RUNTIME="${RUNTIME:-berth}"
BERTH_UNPACK="${BERTH_UNPACK:-berth-unpack}"
BERTH_PULL="${BERTH_PULL:-berth-pull}"
