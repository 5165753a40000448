#!/usr/bin/env bash
# Installs dependencies, builds, and runs the peer/self/localhost scenario
# (seed 000). Until `latlab run` exists it validates and plans it.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
SCENARIO=scenarios/peer-self-localhost.json
./build/bin/latlab validate "$SCENARIO"
./build/bin/latlab plan "$SCENARIO"
