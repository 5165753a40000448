#!/usr/bin/env bash
# bench/docker/bench.sh: build and remove a lab of N containers (latlab's agent
# image; half on docker0, half on a user-defined Docker network with fixed
# addresses) with `latlab up/down` and, in the same run, with the equivalent
# sequential docker CLI script, as lab scripts are usually written:
# `docker network create`, per container `docker run -d --name --label
# --network [--ip] IMAGE hold` then `docker inspect` for its PID and a link
# under /run/netns (what latlab does for `ip netns exec`), then per container
# `docker rm -f` and `docker network rm`. Rounds alternate the two, and the
# median of each is printed with their ratio.
#
# usage: sudo bench/docker/bench.sh [LATLAB_BIN] [N] [ROUNDS]   (default 20 containers, 3 rounds)
set -euo pipefail
LATLAB=${1:-$(dirname "$0")/../../build/bin/latlab}
N=${2:-20}
ROUNDS=${3:-3}
[ "$(id -u)" = 0 ] || { echo "bench/docker: needs root" >&2; exit 3; }
docker info >/dev/null 2>&1 || { echo "bench/docker: no Docker engine answers" >&2; exit 3; }
WORK=$(mktemp -d /tmp/latlab-bench-docker.XXXXXX)
LAB=bd$$
TAG=cli$$
cleanup() {
  "$LATLAB" cleanup "$LAB" >/dev/null 2>&1 || true
  docker rm -f $(docker ps -aq --filter "label=bench.docker=$TAG") >/dev/null 2>&1 || true
  docker network rm "net-$TAG" >/dev/null 2>&1 || true
  rm -f /run/netns/"$TAG"-* 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

"$LATLAB" image build >/dev/null
IMAGE=$("$LATLAB" image build --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["image"])')

python3 - "$N" "$LAB" "$WORK/lab.json" <<'PY'
import json, sys
n, lab, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
nodes = {"host": {"kind": "host"}}
for i in range(n):
    nodes[f"c{i}"] = {"kind": "docker", "network": "bridge" if i % 2 else "un"}
json.dump({"latlab": 1, "name": lab, "nodes": nodes,
           "links": [{"kind": "docker-network", "name": "un", "subnet": "198.18.130.0/24"}]}, open(out, "w"))
PY

now() { date +%s.%N; }

cli_up() {
  docker network create --subnet 198.18.131.0/24 --gateway 198.18.131.1 --label "bench.docker=$TAG" "net-$TAG" >/dev/null
  mkdir -p /run/netns
  local ip=2
  for ((i = 0; i < N; i++)); do
    local name="$TAG-c$i"
    if ((i % 2)); then
      docker run -d --name "$name" --label "bench.docker=$TAG" --network bridge --entrypoint /latlab-agent "$IMAGE" hold >/dev/null
    else
      docker run -d --name "$name" --label "bench.docker=$TAG" --network "net-$TAG" --ip "198.18.131.$ip" \
        --entrypoint /latlab-agent "$IMAGE" hold >/dev/null
      ip=$((ip + 1))
    fi
    ln -s "/proc/$(docker inspect -f '{{.State.Pid}}' "$name")/ns/net" "/run/netns/$name"
  done
}

cli_down() {
  for ((i = 0; i < N; i++)); do
    docker rm -f "$TAG-c$i" >/dev/null
    rm -f "/run/netns/$TAG-c$i"
  done
  docker network rm "net-$TAG" >/dev/null
}

results=()
for ((r = 0; r < ROUNDS; r++)); do
  t0=$(now); "$LATLAB" up "$WORK/lab.json" >/dev/null; t1=$(now)
  "$LATLAB" down "$LAB" >/dev/null; t2=$(now)
  t3=$(now); cli_up; t4=$(now)
  cli_down; t5=$(now)
  results+=("$t0 $t1 $t2 $t3 $t4 $t5")
done

printf '%s\n' "${results[@]}" | python3 -c '
import sys, statistics
n = int(sys.argv[1])
rows = [[float(x) for x in l.split()] for l in sys.stdin if l.strip()]
lu = statistics.median(r[1]-r[0] for r in rows); ld = statistics.median(r[2]-r[1] for r in rows)
cu = statistics.median(r[4]-r[3] for r in rows); cd = statistics.median(r[5]-r[4] for r in rows)
print(f"{n} containers, median of {len(rows)} rounds (seconds)")
print(f"  latlab up / down / total:      {lu:6.2f} / {ld:6.2f} / {lu+ld:6.2f}")
print(f"  docker CLI up / down / total:  {cu:6.2f} / {cd:6.2f} / {cu+cd:6.2f}")
print(f"  ratio (CLI / latlab): up {cu/lu:.2f}x, down {cd/ld:.2f}x, total {(cu+cd)/(lu+ld):.2f}x")
' "$N"
