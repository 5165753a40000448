#!/usr/bin/env bash
# bench/topology/bench.sh: build and remove star labs (N netns nodes, each with
# one veth to a bridge in the host) with `latlab up/down` and, in the same run,
# with the equivalent iproute2 command script (a shell loop of single `ip`
# commands, as lab scripts are usually written: per node `ip netns add`,
# `ip link add ... type veth peer ... netns`, `ip link set master/up`,
# `ip -n NS addr add`, `ip -n NS link set up`, and one
# `ip netns exec NS sysctl -w` carrying the same 8 sysctls latlab sets).
# Both "down"s are timed until the host-side veth ends are gone (the kernel
# destroys namespaces asynchronously; latlab down waits for that).
#
# usage: sudo bench/topology/bench.sh [LATLAB_BIN] [N...]   (default N: 50 200 1000)
set -euo pipefail
LATLAB=${1:-$(dirname "$0")/../../build/bin/latlab}
shift || true
SIZES=("$@")
[ ${#SIZES[@]} -eq 0 ] && SIZES=(50 200 1000)
[ "$(id -u)" = 0 ] || { echo "bench/topology: needs root" >&2; exit 3; }
WORK=$(mktemp -d /tmp/latlab-bench-topo.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

now() { date +%s.%N; }
settle() {  # let the kernel finish destroying namespaces of the previous run
  sleep 2
}

gen_scenario() {  # N LAB FILE
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys, ipaddress
n, lab, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
hosts = ipaddress.ip_network("198.18.0.0/21").hosts()
gw = next(hosts)
nodes = {"host": {"kind": "host"}}
members = []
for i in range(n):
    nodes[f"n{i}"] = {"kind": "netns"}
    members.append({"at": f"n{i}:eth0", "addresses": [f"{next(hosts)}/21"]})
json.dump({"latlab": 1, "name": lab, "nodes": nodes,
           "links": [{"kind": "bridge", "node": "host", "name": "br" + lab, "addresses": [f"{gw}/21"],
                      "members": members}],
           "experiments": [{"name": "p", "probe": "icmp", "from": "n0", "to": "n1:eth0", "count": 1}]},
          open(out, "w"))
PY
}

ip_up() {  # N TAG
  local n=$1 tag=$2
  ip link add "br$tag" type bridge
  ip addr add 198.18.0.1/21 dev "br$tag"
  ip link set "br$tag" up
  for ((i = 0; i < n; i++)); do
    local ns="ipb-$tag-n$i"
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip netns exec "$ns" sysctl -q -w net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_msgs_per_sec=1000000 \
      net.ipv6.icmp.ratelimit=0 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
      "net.ipv4.ping_group_range=0 2147483647" net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
    ip link add "p$tag$i" type veth peer name eth0 netns "$ns"
    ip link set "p$tag$i" master "br$tag" up
    ip -n "$ns" addr add "198.18.$(( (i + 2) / 256 )).$(( (i + 2) % 256 ))/21" dev eth0
    ip -n "$ns" link set eth0 up
  done
}

ip_down() {  # N TAG
  local n=$1 tag=$2
  for ((i = 0; i < n; i++)); do ip netns del "ipb-$tag-n$i"; done
  ip link del "br$tag"
  while ip -o link show | grep -q " p$tag"; do sleep 0.005; done
}

printf '%-6s | %-28s | %-28s | %s\n' "N" "latlab up / down / total s" "ip script up / down / total s" "ratio (ip/latlab, up+down)"
for n in "${SIZES[@]}"; do
  lab="bt$n"
  gen_scenario "$n" "$lab" "$WORK/$lab.json"
  settle
  t0=$(now); "$LATLAB" up "$WORK/$lab.json" >/dev/null; t1=$(now)
  "$LATLAB" down "$lab" >/dev/null; t2=$(now)
  settle
  tag="i$n"
  t3=$(now); ip_up "$n" "$tag"; t4=$(now)
  ip_down "$n" "$tag"; t5=$(now)
  python3 - "$n" "$t0" "$t1" "$t2" "$t3" "$t4" "$t5" <<'PY'
import sys
n = int(sys.argv[1]); t = [float(x) for x in sys.argv[2:]]
lu, ld = t[1] - t[0], t[2] - t[1]
iu, idn = t[4] - t[3], t[5] - t[4]
print(f"{n:<6} | {lu:6.3f} / {ld:6.3f} / {lu+ld:6.3f}  | {iu:6.3f} / {idn:6.3f} / {iu+idn:6.3f}   | "
      f"{(iu+idn)/(lu+ld):5.1f}x   per node: latlab up {lu/n*1e3:.2f} ms, down {ld/n*1e3:.2f} ms; "
      f"ip up {iu/n*1e3:.2f} ms, down {idn/n*1e3:.2f} ms")
PY
done
