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
  iproute2 iptables tcpdump linux-perf iputils-ping sockperf sqlite3 procps iperf3 openssh-client
)
# Only the tests need these: the multi-host tests start real sshds of their
# own inside network namespaces (tests/support/ssh_hosts.h). Installing
# openssh-server must not start, nor enable, a system sshd on this machine.
TEST_DEPS=(
  openssh-server
)
# The benchmarks' reference tools and their summarizers (bench/), and
# systemd-analyze, which checks contrib/systemd's units.
BENCH_DEPS=(
  irtt python3 systemd
)
# The fuzz targets (tests/fuzz): clang with libFuzzer and its sanitizers.
FUZZ_DEPS=(
  clang libclang-rt-14-dev
)

missing=()
for pkg in "${BUILD_DEPS[@]}" "${RUNTIME_DEPS[@]}" "${TEST_DEPS[@]}" "${BENCH_DEPS[@]}" "${FUZZ_DEPS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#BUILD_DEPS[@]} build, ${#RUNTIME_DEPS[@]} runtime, ${#TEST_DEPS[@]} test, ${#BENCH_DEPS[@]} benchmark and ${#FUZZ_DEPS[@]} fuzzing packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: error: missing packages (${missing[*]}) and not root; run as root" >&2
  exit 3
fi

# No package may start a daemon while we install: invoke-rc.d and
# deb-systemd-invoke ask /usr/sbin/policy-rc.d, and 101 means "not allowed".
# One that is already there (a container image's) is left as it is; ours is
# removed afterwards, also when the installation fails or is interrupted.
policy=/usr/sbin/policy-rc.d
own_policy=0
remove_policy() {
  if [ "$own_policy" = 1 ]; then rm -f "$policy"; fi
}
if [ ! -e "$policy" ]; then
  trap remove_policy EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  own_policy=1
  printf '#!/bin/sh\n# latlab scripts/install-deps.sh: no daemon starts while it installs packages\nexit 101\n' >"$policy"
  chmod 755 "$policy"
fi

# sshds in the root network namespace: the system's (the tests' own run in
# namespaces of their own and are never counted or touched here).
root_ns_sshds() {
  local pid root_ns
  root_ns=$(readlink /proc/self/ns/net)
  for pid in $(pgrep -x sshd || true); do
    [ "$(readlink "/proc/$pid/ns/net" 2>/dev/null)" = "$root_ns" ] && echo "$pid"
  done
  return 0
}
sshds_before=$(root_ns_sshds)
installs_sshd=0
for pkg in "${missing[@]}"; do
  [ "$pkg" = openssh-server ] && installs_sshd=1
done

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

if [ "$installs_sshd" = 1 ]; then
  # Debian's ssh.service and /etc/init.d/ssh do nothing while this file
  # exists: the package stays a test tool, also after a reboot.
  touch /etc/ssh/sshd_not_to_be_run
  echo "install-deps: openssh-server is for the tests only: /etc/ssh/sshd_not_to_be_run keeps the system sshd off (remove it to run one)"
fi
# Should a system sshd have started all the same, the installation started it:
# stop it (an sshd that ran before is not ours to stop).
for pid in $(root_ns_sshds); do
  if ! grep -qx "$pid" <<<"$sshds_before"; then
    echo "install-deps: warning: the installation started a system sshd (pid $pid); stopping it" >&2
    kill "$pid" 2>/dev/null || true
  fi
done
echo "install-deps: done"
