#!/usr/bin/env bash
# bench/docker/api-vs-cli.sh: create+start+remove N containers from a locally
# built agent image through latlab's Engine API client and through the docker
# CLI, in one run (see api_vs_cli.cpp; it does the work, this builds it).
#
# usage: bench/docker/api-vs-cli.sh [BUILD_DIR] [--containers N] [--rounds R] [--inspects K]
set -euo pipefail
BUILD=${1:-$(dirname "$0")/../../build}
[ $# -gt 0 ] && shift
ninja -C "$BUILD" -j1 latlab-agent latlab-bench-docker >/dev/null
exec "$BUILD/bin/latlab-bench-docker" --agent "$BUILD/bin/latlab-agent" "$@"
