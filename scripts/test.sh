#!/usr/bin/env bash
# Installs dependencies, builds, and runs the whole test suite with ctest.
# Tests that need root skip without it, unless LATLAB_REQUIRE_PRIVILEGED=1
# (CI), where they fail. Extra arguments go to ctest (e.g. -L unit).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
BUILD_DIR=${LATLAB_BUILD_DIR:-build}

# Whatever happens, leave no lab behind on this machine.
cleanup() {
  if [ "$(id -u)" -eq 0 ]; then
    "$BUILD_DIR/bin/latlab" cleanup --all >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

ctest --test-dir "$BUILD_DIR" --output-on-failure -j 2 --timeout 600 "$@"
