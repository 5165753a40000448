#!/usr/bin/env bash
# Installs dependencies, builds, runs the peer/self/localhost scenario (seed
# 000) and prints its report. Needs root (the lab is built in the kernel).
# The results go to ./latlab.db (or $LATLAB_DB); captures next to it.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
SCENARIO=scenarios/peer-self-localhost.json
./build/bin/latlab validate "$SCENARIO"
if [ "$(id -u)" -ne 0 ]; then
  echo "demo: running a lab needs root; showing the plan instead" >&2
  exec ./build/bin/latlab plan "$SCENARIO"
fi
./build/bin/latlab run "$SCENARIO"
./build/bin/latlab report --last 1
