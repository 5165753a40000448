#!/usr/bin/env bash
# bench/chaos/chaos.sh [LATLAB] [TRIALS] [TWO_HOST_TRIALS]: SIGKILL `latlab up`
# and `latlab run` at random moments, then `latlab cleanup LAB`, and check that
# the machine is as it was and the store is whole. Needs root (and a Docker
# engine for the docker trials, skipped without one).
#
# TRIALS (default 60) on this machine; then TWO_HOST_TRIALS (default 20) of
# a lab across two SSH hosts (namespaces with their own sshd, /run and PID
# namespace), by the test MultiHostE2E.SigkillOfUpOrRunAtRandomMoments... in
# the build next to LATLAB, which checks both hosts the same way.
#
# Trials take turns: `up` of a netns lab (20 nodes on a bridge, sysctls, a
# tbf qdisc), `up` of a docker lab (4 containers on docker0 and a network of
# the lab's), and `run` of a small netns scenario into a store. Each is
# killed after a random delay within the time its unkilled twin takes.
# After each: cleanup must exit 0; interfaces, addresses, routes (v4 and v6),
# namespaces, iptables and nft rules, the sysctls latlab may set, containers,
# Docker networks and processes must be as before the first trial; a run's
# store must pass PRAGMA integrity_check, and every experiment it records as
# complete must hold all its samples.
set -euo pipefail
LATLAB=${1:-$(dirname "$0")/../../build/bin/latlab}
TRIALS=${2:-60}
TWO_HOST_TRIALS=${3:-20}
[ "$(id -u)" = 0 ] || { echo "bench/chaos: needs root" >&2; exit 3; }
WORK=$(mktemp -d /tmp/latlab-chaos.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
have_docker=0
docker info >/dev/null 2>&1 && have_docker=1

snapshot() {
  {
    ip -o link show | cut -d: -f2
    ip -o addr show | awk '{print $2, $4}'
    ip route show table all | grep -v '^local\|^broadcast\|^multicast' || true
    ip -6 route show table all | grep -v '^local\|^multicast\|^anycast' || true
    ip netns list
    iptables-save 2>/dev/null | grep -v '^#' | sed 's/\[[0-9]*:[0-9]*\]//'
    ip6tables-save 2>/dev/null | grep -v '^#' | sed 's/\[[0-9]*:[0-9]*\]//'
    nft list ruleset 2>/dev/null | grep -v 'counter packets' || true
    for s in net.ipv4.ip_forward net.core.netdev_max_backlog net.core.rmem_max net.core.wmem_max \
             net.ipv4.conf.all.rp_filter net.bridge.bridge-nf-call-iptables; do
      echo "$s=$(sysctl -n "$s" 2>/dev/null || echo -)"
    done
    if [ "$have_docker" = 1 ]; then
      docker ps -a --format '{{.Names}}'
      docker network ls --format '{{.Name}}'
    fi
    ls -A /run/latlab 2>/dev/null || true
    pgrep -a -f 'latlab-agent|iperf3|tcpdump|perf record' | grep -v pgrep || true
  } 2>&1
}

# Whether the machine is back to $before within 5 s (the kernel destroys
# namespaces and Docker removes containers asynchronously); the diff if not.
settled() {
  local now
  for _ in $(seq 50); do
    now=$(snapshot)
    [ "$now" = "$before" ] && return 0
    sleep 0.1
  done
  diff <(echo "$before") <(echo "$now") | head -10
  return 1
}

# The scenarios: a netns lab, a docker lab, a run.
python3 - "$WORK" <<'PY'
import json, sys
w = sys.argv[1]
nodes = {"host": {"kind": "host"}}
members = []
for i in range(20):
    nodes[f"n{i}"] = {"kind": "netns", "sysctls": {"net.core.somaxconn": "512"}}
    members.append(f"n{i}:eth0")
json.dump({"latlab": 1, "name": "chaosn", "nodes": nodes,
           "links": [{"kind": "bridge", "node": "host", "name": "chaosbr", "members": members},
                     {"kind": "veth", "endpoints": ["n0:eth1", "n1:eth1"], "qdisc": {"kind": "tbf", "rate": "100mbit", "burst": "32kb", "latency": "20ms"}}]},
          open(f"{w}/netns.json", "w"))
json.dump({"latlab": 1, "name": "chaosd",
           "nodes": {"host": {"kind": "host"}, **{f"c{i}": {"kind": "docker", "network": "bridge"} for i in range(2)},
                     **{f"u{i}": {"kind": "docker", "network": "chaosnet"} for i in range(2)}},
           "links": [{"kind": "docker-network", "name": "chaosnet", "subnet": "198.19.40.0/24"}]},
          open(f"{w}/docker.json", "w"))
json.dump({"latlab": 1, "name": "chaosr", "repeat": 6,
           "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
           "links": [{"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}],
           "experiments": [{"name": "icmp", "probe": "icmp", "from": "a", "to": "b:eth0", "count": 200, "interval": "1ms"},
                           {"name": "udp", "probe": "udp", "from": "a", "to": "b:eth0", "count": 200, "interval": "1ms"}]},
          open(f"{w}/run.json", "w"))
PY

# How long each takes unkilled (the range of the random kill), in ms.
timed() {  # CMD...
  local t0 t1
  t0=$(date +%s%N)
  "$@" >/dev/null 2>&1 || true
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 ))
}
references() {
  span_netns=$(timed "$LATLAB" up "$WORK/netns.json"); "$LATLAB" down chaosn >/dev/null
  span_run=$(timed "$LATLAB" run "$WORK/run.json" --db "$WORK/ref.db"); rm -f "$WORK"/ref.db*
  span_docker=0
  if [ "$have_docker" = 1 ]; then
    span_docker=$(timed "$LATLAB" up "$WORK/docker.json"); "$LATLAB" down chaosd >/dev/null
  fi
}
# The unkilled twins, twice: on a machine just booted, the first container
# starts Docker's daemon (socket activation: its iptables chains, docker0 up
# with its link-local address), which stays; the second round must leave the
# machine exactly as the first left it.
before=$(snapshot)
references
if ! settled >/dev/null; then
  echo "bench/chaos: the first unkilled runs changed the machine; Docker's first start does (its chains, docker0 up):"
  diff <(echo "$before") <(snapshot) | grep '^[<>]' | head -5 || true
  before=$(snapshot)
  references
  if ! settled >&2; then
    echo "bench/chaos: the second unkilled runs changed the machine (above)" >&2
    exit 1
  fi
fi
echo "unkilled: netns up ${span_netns} ms, docker up ${span_docker} ms, run ${span_run} ms"

trials=0 killed=0 finished=0 clean=0 same=0 whole=0 runs=0 complete_intact=0 complete=0
for ((i = 0; i < TRIALS; i++)); do
  case $((i % 3)) in
    0) kind=netns lab=chaosn span=$span_netns cmd=(up "$WORK/netns.json") ;;
    1) if [ "$have_docker" = 1 ]; then kind=docker lab=chaosd span=$span_docker cmd=(up "$WORK/docker.json");
       else kind=netns lab=chaosn span=$span_netns cmd=(up "$WORK/netns.json"); fi ;;
    2) kind=run lab=chaosr span=$span_run db="$WORK/chaos-$i.db" cmd=(run "$WORK/run.json" --db "$db") ;;
  esac
  delay=$(( RANDOM * 32768 + RANDOM ))
  delay=$(( delay % (span > 0 ? span : 1) ))
  "$LATLAB" "${cmd[@]}" >/dev/null 2>&1 &
  pid=$!
  sleep "$(awk -v d="$delay" 'BEGIN{printf "%.3f", d/1000}')"
  if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); else finished=$((finished + 1)); fi
  wait "$pid" 2>/dev/null || true
  trials=$((trials + 1))
  if "$LATLAB" cleanup "$lab" >/dev/null 2>"$WORK/cleanup.err"; then clean=$((clean + 1));
  else echo "trial $i ($kind, killed at ${delay} ms): cleanup failed: $(tail -1 "$WORK/cleanup.err")"; fi
  if out=$(settled); then same=$((same + 1));
  else echo "trial $i ($kind, killed at ${delay} ms): the machine differs:"; echo "$out"; fi
  if [ "$kind" = run ] && [ -e "$db" ]; then
    runs=$((runs + 1))
    if [ "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok ]; then whole=$((whole + 1));
    else echo "trial $i: store $db fails integrity_check"; fi
    # An experiment recorded complete holds all of its samples (200 + warm-up).
    n=$(sqlite3 "$db" "SELECT count(*) FROM experiments WHERE status = 'complete'")
    ok=$(sqlite3 "$db" "SELECT count(*) FROM experiments e WHERE status = 'complete' AND
          (SELECT count(*) FROM samples s WHERE s.experiment_id = e.id AND s.warmup = 0) = 200")
    complete=$((complete + n)); complete_intact=$((complete_intact + ok))
  fi
done
echo "chaos: $trials trials ($killed killed mid-way, $finished had finished), cleanup ok $clean/$trials," \
     "machine as before $same/$trials, stores whole $whole/$runs, complete experiments intact $complete_intact/$complete"
[ "$clean" = "$trials" ] && [ "$same" = "$trials" ] && [ "$whole" = "$runs" ] && [ "$complete_intact" = "$complete" ]
here_ok=$?
[ "$TWO_HOST_TRIALS" -gt 0 ] || exit $here_ok
two_host=$(dirname "$LATLAB")/../tests/multihost_e2e_tests
if [ ! -x "$two_host" ] || [ ! -x /usr/sbin/sshd ]; then
  echo "bench/chaos: no two-host trials: $two_host or /usr/sbin/sshd is missing" >&2
  exit 1
fi
out=$(LATLAB_REQUIRE_PRIVILEGED=1 LATLAB_CHAOS_TRIALS=$TWO_HOST_TRIALS "$two_host" \
        --gtest_filter='MultiHostE2E.SigkillOfUpOrRunAtRandomMoments*' 2>&1) && two_ok=0 || two_ok=1
grep '^chaos two-host:' <<<"$out" || true
[ "$two_ok" = 0 ] || { grep -E 'Failure|Expected|Which is|killed at' <<<"$out" | head -20 >&2; }
[ "$here_ok" = 0 ] && [ "$two_ok" = 0 ]
