#!/usr/bin/env bash
# Configures and builds latlab into build/ (binaries in build/bin).
# Usage: scripts/build.sh [extra cmake args]   (LATLAB_BUILD_DIR overrides build/)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${LATLAB_BUILD_DIR:-build}
WERROR=OFF
[ -n "${CI:-}" ] && WERROR=ON
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLATLAB_WERROR="$WERROR" "$@" >/dev/null
ninja -C "$BUILD_DIR" -j "$(nproc)"
