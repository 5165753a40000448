#!/usr/bin/env bash
# Builds the unit and integration tests with AddressSanitizer and
# UndefinedBehaviorSanitizer into build-asan/ and runs them: LATLAB_SANITIZE=ON,
# build type Sanitize (-O1, no debug information), every finding fatal. Only
# what those tiers need is built (targets tests-unit and tests-integration,
# and latlab for the cleanup), not the e2e tests or the benchmarks. ctest runs
# each test executable as one test (tests/CMakeLists.txt), with ASAN_OPTIONS
# and UBSAN_OPTIONS set (halt_on_error, leak check).
# Usage: scripts/test-sanitized.sh [extra ctest args]
# (LATLAB_ASAN_BUILD_DIR overrides build-asan/). Root-only tests behave as in
# scripts/test.sh: without root they skip, unless LATLAB_REQUIRE_PRIVILEGED=1.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
BUILD_DIR=${LATLAB_ASAN_BUILD_DIR:-build-asan}
LATLAB_BUILD_DIR=$BUILD_DIR LATLAB_BUILD_TARGETS="tests-unit tests-integration latlab" \
  ./scripts/build.sh -DCMAKE_BUILD_TYPE=Sanitize -DLATLAB_SANITIZE=ON

# A test ended by a finding skips its teardown: leave no lab behind.
cleanup() {
  if [ "$(id -u)" -eq 0 ]; then
    "$BUILD_DIR/bin/latlab" cleanup --all >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

ctest --test-dir "$BUILD_DIR" --output-on-failure -j 2 --timeout 600 -L 'unit|integration' "$@"
