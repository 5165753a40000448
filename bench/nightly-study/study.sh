#!/usr/bin/env bash
# bench/nightly-study/study.sh: is the nightly gate to be trusted on this
# machine? Runs the default suite (scenarios/nightly.json) as real nights:
#
#  - reference: `latlab run` of the suite's scenarios (same repetitions), then
#    one `latlab nightly` of the same work: the cost of the nightly layer, as
#    a ratio;
#  - A/A: NIGHTS nights (default 20) on the unchanged machine; counts the
#    suspected and confirmed verdicts (the issue's bar: no confirmed, at most
#    one suspected);
#  - changes: from a copy of the store after night CHANGE-1 (default 10), a
#    responder delay in container-vs-host's UDP experiment (the system under
#    test changes; the measurement does not), nights CHANGE..CHANGE+3: is it
#    suspected on night CHANGE and confirmed within the next 3? One arm per
#    delay in DELAYS (default "50us 200us 1ms").
#
# Prints a Markdown table and writes it, with every night's JSON, to OUT.
# usage: sudo bench/nightly-study/study.sh [LATLAB_BIN] [NIGHTS] [CHANGE] [DELAYS] [OUT]
# Needs root and python3; run it under the lab lock, with nothing else measuring.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
LATLAB=${1:-$root/build/bin/latlab}
NIGHTS=${2:-20}
CHANGE=${3:-11}
DELAYS=${4:-"50us 200us 1ms"}
OUT=${5:-/tmp/latlab-nightly-study}
[ "$(id -u)" = 0 ] || { echo "nightly-study: needs root" >&2; exit 3; }
command -v python3 >/dev/null || { echo "nightly-study: needs python3 (apt-get install python3)" >&2; exit 3; }
rm -rf "$OUT"
mkdir -p "$OUT"
work=$(mktemp -d /tmp/latlab-nightly-study.XXXXXX)
export LATLAB_NIGHTLY_LOCK="$work/nightly.lock"
cleanup() {
  for lab in peer-self-localhost container-vs-host; do "$LATLAB" cleanup "$lab" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# A suite directory of its own per arm: the suite and its scenarios.
make_suite() {  # DIR [DELAY]
  mkdir -p "$1"
  cp "$root/scenarios/nightly.json" "$root/scenarios/peer-self-localhost.json" "$root/scenarios/container-vs-host.json" "$1/"
  if [ -n "${2:-}" ]; then
    python3 - "$1/container-vs-host.json" "$2" <<'PY'
import json, sys
path, delay = sys.argv[1], sys.argv[2]
s = json.load(open(path))
for e in s["experiments"]:
    if e["name"] == "container-udp":
        e.setdefault("responder", {"kind": "udp-reflector"})["delay"] = delay
json.dump(s, open(path, "w"), indent=2)
PY
  fi
}

night() {  # SUITE_DIR DB NIGHT_NO OUT_JSON
  local t0 t1 rc=0
  t0=$(date +%s.%N)
  "$LATLAB" nightly "$1/nightly.json" --db "$2" --json >"$4" 2>"$4.err" || rc=$?
  t1=$(date +%s.%N)
  echo "$rc $(python3 -c "print(f'{$t1 - $t0:.1f}')")"
}

make_suite "$work/aa"
repeat=$(python3 -c "import json; print(json.load(open('$root/scenarios/nightly.json')).get('repeat', 5))")

# Reference: the same scenarios as plain runs, then one night of them.
echo "nightly-study: reference: latlab run of the suite's scenarios ($repeat repetitions)" >&2
t0=$(date +%s.%N)
for sc in peer-self-localhost container-vs-host; do
  "$LATLAB" run "$work/aa/$sc.json" --db "$work/ref.db" --repeat "$repeat" >/dev/null 2>&1
done
t1=$(date +%s.%N)
ref_s=$(python3 -c "print(f'{$t1 - $t0:.1f}')")
read -r rc night_s < <(night "$work/aa" "$work/ref.db" 1 "$OUT/reference-night.json")
echo "nightly-study: reference runs ${ref_s} s, one night ${night_s} s (exit $rc)" >&2
echo "$ref_s $night_s" >"$OUT/reference.txt"

echo "nightly-study: A/A: $NIGHTS nights" >&2
for i in $(seq 1 "$NIGHTS"); do
  read -r rc secs < <(night "$work/aa" "$work/aa.db" "$i" "$OUT/aa-$i.json")
  echo "nightly-study: A/A night $i: exit $rc, ${secs} s" >&2
  [ "$i" = $((CHANGE - 1)) ] && cp "$work/aa.db" "$work/base.db"
done

for d in $DELAYS; do
  make_suite "$work/d-$d" "$d"
  cp "$work/base.db" "$work/d-$d.db"
  for i in $(seq "$CHANGE" $((CHANGE + 3))); do
    read -r rc secs < <(night "$work/d-$d" "$work/d-$d.db" "$i" "$OUT/delay-$d-$i.json")
    echo "nightly-study: delay $d night $i: exit $rc, ${secs} s" >&2
  done
done

python3 "$here/summarize.py" "$OUT" "$NIGHTS" "$CHANGE" "$DELAYS" | tee "$OUT/results.md"
