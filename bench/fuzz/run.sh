#!/usr/bin/env bash
# bench/fuzz/run.sh [SECONDS]: every fuzz target for SECONDS each (default
# 600), as .ci/run runs them for 10 s: executions and corpus
# per target, and any finding.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec ./scripts/fuzz.sh "${1:-600}"
