#!/usr/bin/env bash
# Installs everything latlab needs to build, test and run, from Debian 12
# packages. Idempotent: installs only what is missing. Needs root.
set -euo pipefail

BUILD_DEPS=(
  cmake ninja-build g++ pkg-config
  libnl-3-dev libnl-route-3-dev
  libboost1.81-dev nlohmann-json3-dev libsqlite3-dev
  googletest libgtest-dev libgmock-dev
  libcli11-dev libfmt-dev libpcap-dev
  libcurl4-openssl-dev
)
RUNTIME_DEPS=(
  iproute2 iptables tcpdump linux-perf iputils-ping sockperf sqlite3 procps iperf3
)
# The benchmarks' reference tools and their summarizers (bench/), and
# systemd-analyze, which checks contrib/systemd's units.
BENCH_DEPS=(
  irtt python3 systemd
)

missing=()
for pkg in "${BUILD_DEPS[@]}" "${RUNTIME_DEPS[@]}" "${BENCH_DEPS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#BUILD_DEPS[@]} build, ${#RUNTIME_DEPS[@]} runtime and ${#BENCH_DEPS[@]} benchmark packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: error: missing packages (${missing[*]}) and not root; run as root" >&2
  exit 3
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
