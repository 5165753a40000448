#!/usr/bin/env python3
"""Summarises bench/nightly-study/study.sh: the A/A verdict counts and, per
injected delay, the verdict of container-vs-host/container-udp p50 on the
change night and the three after it."""
import json
import os
import sys

out, nights, change, delays = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4].split()


def load(path):
    try:
        return json.load(open(path))
    except (OSError, ValueError):
        return None


print("## Nightly gate study\n")
ref = open(os.path.join(out, "reference.txt")).read().split()
print(f"Reference: the suite's scenarios as plain `latlab run`s took {ref[0]} s; one `latlab nightly` of the "
      f"same work {ref[1]} s (ratio {float(ref[1]) / float(ref[0]):.2f}).\n")

counts = {}
alarms = []
for i in range(1, nights + 1):
    j = load(os.path.join(out, f"aa-{i}.json"))
    if not j:
        counts["(no output)"] = counts.get("(no output)", 0) + 1
        continue
    for m in j["metrics"]:
        counts[m["verdict"]] = counts.get(m["verdict"], 0) + 1
        if m["verdict"] in ("suspected", "confirmed"):
            alarms.append(f"night {i}: {m['scenario']}/{m['experiment']} {m['metric']} {m['verdict']}")
print(f"A/A, {nights} nights: " + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())))
for a in alarms:
    print(f"- {a}")
print()

# How much whole nights vary: what the gate's interval has to allow for.
import math
vals = []
before = None
for i in range(1, change):
    j = load(os.path.join(out, f"aa-{i}.json"))
    for m in (j or {}).get("metrics", []):
        if m["experiment"] == "container-udp" and m["metric"] == "p50" and m.get("tonight"):
            vals.append(m["tonight"])
if len(vals) > 1:
    logs = [math.log(v) for v in vals]
    mu = sum(logs) / len(logs)
    sd = math.sqrt(sum((x - mu) ** 2 for x in logs) / (len(logs) - 1))
    print(f"container-udp p50 over A/A nights 1-{change - 1}: {min(vals) / 1000:.1f}-{max(vals) / 1000:.1f} us, "
          f"geometric mean {math.exp(mu) / 1000:.1f} us, night-to-night sd {100 * (math.exp(sd) - 1):.0f} %\n")
    before = math.exp(mu)

print("| responder delay | container-udp p50 before | change on night %d (99 %% interval) | night %d | night %d | night %d | night %d | caught |" %
      (change, change, change + 1, change + 2, change + 3))
print("|---|---|---|---|---|---|---|---|")
for d in delays:
    row, ratio, verdicts = [], None, []
    for i in range(change, change + 4):
        j = load(os.path.join(out, f"delay-{d}-{i}.json"))
        v = "-"
        if j:
            for m in j["metrics"]:
                if m["experiment"] == "container-udp" and m["metric"] == "p50":
                    v = m["verdict"]
                    if i == change and "ratio" in m:
                        ratio = m["ratio"]
                        lo, hi = m.get("low"), m.get("high")
        verdicts.append(v)
    caught = verdicts[0] == "suspected" and "confirmed" in verdicts[1:]
    print(f"| {d} | {before / 1000:.1f} us | {('%+.0f %% (%.2f-%.2f x)' % (100 * (ratio - 1), lo, hi)) if ratio else '-'} | "
          + " | ".join(verdicts) + f" | {'yes' if caught else 'no'} |" if before else f"| {d} | - | - | " + " | ".join(verdicts) + " | - |")
