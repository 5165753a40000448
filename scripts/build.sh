#!/usr/bin/env bash
# Configures and builds latlab into build/ (binaries in build/bin).
# Usage: scripts/build.sh [extra cmake args]   (LATLAB_BUILD_DIR overrides build/;
# LATLAB_BUILD_TARGETS, e.g. "tests-unit latlab", builds only those targets)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${LATLAB_BUILD_DIR:-build}
# A build directory made by another user (root, say) cannot be reused.
if { [ -e "$BUILD_DIR" ] && [ ! -w "$BUILD_DIR" ]; } ||
   { [ -e "$BUILD_DIR/CMakeCache.txt" ] && [ ! -w "$BUILD_DIR/CMakeCache.txt" ]; }; then
  echo "build: error: $BUILD_DIR is not writable for $(id -un) (made by another user?); use LATLAB_BUILD_DIR=DIR" >&2
  exit 3
fi
WERROR=OFF
[ -n "${CI:-}" ] && WERROR=ON
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLATLAB_WERROR="$WERROR" "$@" >/dev/null
# shellcheck disable=SC2086  # a list of target names
ninja -C "$BUILD_DIR" -j "$(nproc)" ${LATLAB_BUILD_TARGETS:-}
