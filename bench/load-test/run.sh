#!/usr/bin/env bash
# Load held, nothing lost: N probe pairs at R requests/s each for D in one run
# (default 32 x 1,000/s x 60 s), against a reference run of one pair with the
# same rate and duration in the same invocation. Checks that every sample the
# agents report is in the store (their summaries' counts equal the stored
# rows), and prints latlab's own CPU and peak memory, its CPU per stored
# sample against the reference's, and how many agent lines ever waited to be
# stored (ingest keeping up: a bounded queue).
#   flock /tmp/latlab-lab.lock bench/load-test/run.sh build/bin/latlab [PAIRS] [DURATION]
set -euo pipefail
LATLAB=$(realpath "${1:?usage: run.sh path/to/latlab [pairs] [duration]}")
PAIRS=${2:-32}
DURATION=${3:-60s}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d /tmp/latlab-load-test.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

one_run() {  # pairs name -> JSON of latlab run --json in $WORK/name.json
  python3 - "$HERE/load-test.json" "$1" "$DURATION" > "$WORK/$2.scenario.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
s["name"] = "loadtest" if sys.argv[2] != "1" else "loadref"
s["experiments"][0]["pairs"] = int(sys.argv[2])
s["experiments"][0]["duration"] = sys.argv[3]
s.pop("$schema")
print(json.dumps(s))
PY
  "$LATLAB" run "$WORK/$2.scenario.json" --db "$WORK/store.db" --json > "$WORK/$2.json" 2> "$WORK/$2.log"
}

one_run 1 reference
one_run "$PAIRS" load
python3 - "$WORK" "$PAIRS" "$DURATION" <<'PY'
import json, sqlite3, sys
work, pairs, duration = sys.argv[1], int(sys.argv[2]), sys.argv[3]
db = sqlite3.connect(f"{work}/store.db")
out = {}
for name in ("reference", "load"):
    j = json.load(open(f"{work}/{name}.json"))
    (eid, summary), = db.execute("SELECT id, summary_json FROM experiments WHERE run_id = ?", (j["run_id"],))
    s = json.loads(summary)
    per = s.get("pairs", [s])
    sent = sum(p["sent"] for p in per)
    received = sum(p["received"] for p in per)
    stored = db.execute("SELECT count(*) FROM samples WHERE experiment_id = ?", (eid,)).fetchone()[0]
    ok = db.execute("SELECT count(*) FROM samples WHERE experiment_id = ? AND status = 0", (eid,)).fetchone()[0]
    orch = j["orchestrator"]
    cpu = orch["cpu_user_s"] + orch["cpu_system_s"]
    out[name] = dict(status=j["status"], pairs=len(per), sent=sent, received=received, stored=stored, stored_ok=ok,
                     cpu_s=cpu, cpu_us_per_sample=1e6 * cpu / max(stored, 1), max_rss_mib=orch["max_rss_kib"] / 1024,
                     queue_peak=s.get("ingest", {}).get("queued_lines_peak", "n/a"),
                     queue_limit=s.get("ingest", {}).get("queued_lines_limit", "n/a"))
for name, r in out.items():
    print(f"{name:9}: {r['pairs']:3} pairs, status {r['status']}, sent {r['sent']}, received {r['received']}, "
          f"stored {r['stored']} ({r['stored_ok']} answered), latlab CPU {r['cpu_s']:.2f} s "
          f"({r['cpu_us_per_sample']:.1f} us/sample), peak RSS {r['max_rss_mib']:.1f} MiB, "
          f"lines queued at most {r['queue_peak']} (limit {r['queue_limit']})")
l, ref = out["load"], out["reference"]
print(f"ratio load/reference: samples {l['stored'] / max(ref['stored'], 1):.1f}x, latlab CPU {l['cpu_s'] / max(ref['cpu_s'], 1e-9):.1f}x, "
      f"CPU per sample {l['cpu_us_per_sample'] / max(ref['cpu_us_per_sample'], 1e-9):.2f}x, "
      f"peak RSS {l['max_rss_mib'] / max(ref['max_rss_mib'], 1e-9):.2f}x")
lost = [n for n, r in out.items() if r["stored"] != r["sent"] or r["status"] != "complete"]
if lost:
    print("FAIL: stored rows differ from the agents' summaries (or the run failed) in: " + ", ".join(lost))
    sys.exit(1)
print("ok: every sample the agents reported is in the store")
PY
