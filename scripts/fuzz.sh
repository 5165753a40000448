#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with clang into build-fuzz/ and
# runs each for SECONDS (default 15) from its seed corpus (tests/fuzz/corpus/
# TARGET, copied to a scratch corpus so the repository's stays as it is).
# Prints, per target, the executions and the corpus it reached; a finding
# (a crash, a sanitizer report, an abort of an invariant) fails the script,
# with the input that caused it in build-fuzz/findings/.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh >/dev/null
SECONDS_EACH=${1:-15}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(scenario agent_line pcap perf_fold trace)
BUILD=${LATLAB_FUZZ_BUILD_DIR:-build-fuzz}
CC=clang CXX=clang++ cmake -S tests/fuzz -B "$BUILD" -G Ninja >/dev/null
if ! ninja -C "$BUILD" $(printf 'fuzz_%s ' "${TARGETS[@]}") >"$BUILD/build.log" 2>&1; then
  grep -E "error|undefined reference" "$BUILD/build.log" | head -20 >&2
  echo "fuzz: the build failed (log $BUILD/build.log)" >&2
  exit 1
fi
mkdir -p "$BUILD/findings"
status=0
for t in "${TARGETS[@]}"; do
  work="$BUILD/corpus-$t"
  rm -rf "$work" && mkdir -p "$work"
  cp tests/fuzz/corpus/"$t"/* "$work"/
  log="$BUILD/fuzz-$t.log"
  if "$BUILD/fuzz_$t" -max_total_time="$SECONDS_EACH" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="$BUILD/findings/$t-" "$work" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "fuzz $t: ${runs:-?} executions in ${SECONDS_EACH} s, corpus $(ls "$work" | wc -l) inputs, no finding"
  else
    echo "fuzz $t: FINDING (log $log, input in $BUILD/findings/):" >&2
    grep -E "ERROR|SUMMARY|runtime error|deadly signal" "$log" | head -5 >&2
    status=1
  fi
done
exit $status
