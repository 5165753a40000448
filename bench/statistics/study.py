#!/usr/bin/env python3
"""bench/statistics/study.py: the evidence behind latlab's verdicts, on real runs.

    sudo bench/statistics/study.py aa          [--pairs 20] [--latlab PATH] [--db PATH]
    sudo bench/statistics/study.py sensitivity [--runs 20]  [--modes block:any,block:pinned,spin:pinned]
                                               [--latlab PATH] [--db PATH]

aa: the same scenario compared with itself. Each of --pairs run pairs of
bench/statistics/aa.json (seed 000's peer, self and localhost, plus a twin of
peer, with the default design: 10 repetitions in shuffled rounds) is compared
with `latlab compare` (between runs), and inside every run `peer-twin` is
compared with `peer` and `self` with `localhost` (both take the same kernel
path; seed 003). Prints how many verdicts said "worse" (false alarms).

sensitivity: known changes injected, one run holding the unchanged UDP
ping-pong and each change as its own experiment: responder `delay` 2, 5 and
10 us, payload 56 -> 1400 bytes, a tbf-shaped veth; for each mode (wait mode
of probe and responder : CPUs, `any` = the scheduler's choice as by default,
`pinned` = probe on CPU 1, responder on CPU 0), --runs runs; per change, how
often the verdict inside a run was "worse" (power), with the median change
measured and the median smallest detectable change.

Every figure comes from `latlab report --format json` / `latlab compare
--format json` on the stored runs: nothing here computes statistics of its own.
Labs are latlab's own (lab names llstat-*); `latlab cleanup` runs on exit.
"""
import argparse
import copy
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def latlab_path(arg):
    if arg:
        return arg
    cands = [os.path.join(ROOT, d, "bin", "latlab") for d in os.listdir(ROOT) if d.startswith("build")]
    cands = [c for c in cands if os.access(c, os.X_OK)]
    if not cands:
        sys.exit("study: error: latlab not found (build it or pass --latlab)")
    return max(cands, key=os.path.getmtime)


class Latlab:
    def __init__(self, binary, db):
        self.bin = binary
        self.db = db
        self.labs = set()

    def run(self, scenario):
        self.labs.add(scenario["name"])
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(scenario, f)
            path = f.name
        try:
            p = subprocess.run([self.bin, "run", path, "--db", self.db, "--json"], capture_output=True, text=True)
        finally:
            os.unlink(path)
        if p.returncode != 0:
            sys.exit(f"study: error: latlab run {scenario['name']} exited {p.returncode}: {p.stderr.strip()[-500:]}")
        return json.loads(p.stdout)["run_id"]

    def report(self, run, baseline):
        p = subprocess.run([self.bin, "report", str(run), "--db", self.db, "--baseline", baseline, "--format", "json"],
                           capture_output=True, text=True, check=True)
        return json.loads(p.stdout)

    def compare(self, a, b):
        p = subprocess.run([self.bin, "compare", str(a), str(b), "--db", self.db, "--format", "json"],
                           capture_output=True, text=True)
        if p.returncode not in (0, 1):
            sys.exit(f"study: error: latlab compare {a} {b} exited {p.returncode}: {p.stderr.strip()}")
        return json.loads(p.stdout), p.returncode

    def cleanup(self):
        for lab in self.labs:
            subprocess.run([self.bin, "cleanup", lab], capture_output=True)


def verdicts_of(report, name):
    for x in report["experiments"]:
        if x["name"] == name:
            return {c["metric"]: c for c in x["vs_baseline"]}
    raise KeyError(name)


def host_line():
    kernel = os.uname().release
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({cpu}), kernel {kernel}, {time.strftime('%Y-%m-%d', time.gmtime())}"


def count_line(label, vs):
    worse = sum(1 for v in vs if v["verdict"] == "worse")
    better = sum(1 for v in vs if v["verdict"] == "better")
    nov = sum(1 for v in vs if v["verdict"] == "no verdict")
    return f"| {label} | {len(vs)} | **{worse}** | {better} | {nov} |"


def study_aa(lat, pairs):
    with open(os.path.join(HERE, "aa.json")) as f:
        base = json.load(f)
    between = {"p50": [], "p99": [], "loss": []}
    twin = {"p50": [], "p99": [], "loss": []}
    selfloc = {"p50": [], "p99": [], "loss": []}
    compare_exit = []
    spread = []
    for i in range(pairs):
        runs = []
        for k in range(2):
            s = copy.deepcopy(base)
            s["name"] = "llstat-aa"  # one scenario: its runs are the history a comparison of two runs needs
            runs.append(lat.run(s))
        cmp, rc = lat.compare(runs[0], runs[1])
        compare_exit.append(rc)
        for c in cmp["comparisons"]:
            between[c["metric"]].append(c)
        for r in runs:
            rep = lat.report(r, "peer")
            for m, c in verdicts_of(rep, "peer-twin").items():
                twin[m].append(c)
            rep = lat.report(r, "localhost")
            for m, c in verdicts_of(rep, "self").items():
                selfloc[m].append(c)
            for x in rep["experiments"]:
                if x["name"] == "localhost":
                    o = x["over_repetitions"]["p50"]
                    spread.append((o["min"], o["max"], x["variance"]["dominant"]))
        print(f"study: pair {i + 1}/{pairs}: runs {runs[0]}, {runs[1]}: compare exit {rc}", file=sys.stderr)
    print(f"## A/A: {pairs} run pairs of bench/statistics/aa.json, default design\n")
    print(f"Machine: {host_line()}.\n")
    print("| comparison | verdicts | worse | better | no verdict |")
    print("|---|---:|---:|---:|---:|")
    for m in ("p50", "p99", "loss"):
        print(count_line(f"between runs (`latlab compare`), {m}, each experiment", between[m]))
    for m in ("p50", "p99", "loss"):
        print(count_line(f"in one run: peer-twin vs peer, {m}", twin[m]))
    for m in ("p50", "p99", "loss"):
        print(count_line(f"in one run: self vs localhost, {m}", selfloc[m]))
    print()
    print(f"`latlab compare` exit 1 (some worse verdict) in {sum(compare_exit)} of {pairs} pairs.")
    det = [c["detectable"] for c in between["p50"] if c["detectable"] is not None]
    det_in = [c["detectable"] for c in twin["p50"] if c["detectable"] is not None]
    if det:
        print(f"Smallest p50 change the design could have shown (median): between runs "
              f"{100 * statistics.median(det):.1f} %, inside a run {100 * statistics.median(det_in):.1f} %.")
    lo = [a for a, _, _ in spread]
    hi = [b for _, b, _ in spread]
    dom = [d for _, _, d in spread]
    print(f"localhost p50 of single repetitions: {min(lo) / 1e3:.1f} to {max(hi) / 1e3:.1f} us; "
          f"the variance is mostly between repetitions in {dom.count('between repetitions')} of {len(dom)} runs.")


def sensitivity_scenario(wait, pinned, name):
    exps = []

    def udp(n, to="b:eth0", payload=56, delay=None):
        responder = {"kind": "udp-reflector", "wait": wait}
        exp = {"name": n, "probe": "udp", "from": "a", "to": to, "count": 200, "interval": "1ms", "warmup": 10,
               "payload": payload, "wait": wait, "responder": responder}
        if pinned:
            responder["cpu"] = 0
            exp["cpu"] = 1
        if delay:
            responder["delay"] = delay
        return exp

    exps.append(udp("base"))
    for d in ("2us", "5us", "10us"):
        exps.append(udp(f"delay-{d}", delay=d))
    exps.append(udp("payload-1400", payload=1400))
    exps.append(udp("tbf", to="c:eth0"))
    return {
        "latlab": 1,
        "name": name,
        "description": "known changes against an unchanged UDP ping-pong",
        "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}, "c": {"kind": "netns"}},
        "links": [
            {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"], "static_neighbors": True},
            {"kind": "veth", "endpoints": ["a:eth1", "c:eth0"], "static_neighbors": True,
             "qdisc": {"kind": "tbf", "rate": "1gbit", "burst": "16kb", "latency": "10ms"}},
        ],
        "experiments": exps,
    }


def study_sensitivity(lat, runs, modes):
    print(f"## Sensitivity: known changes, {runs} runs per mode, default design (10 repetitions, shuffled rounds)\n")
    print(f"Machine: {host_line()}.\n")
    print("| wait : CPUs | change | base p50 | median change | worse | smallest detectable (median) |")
    print("|---|---|---:|---:|---:|---:|")
    for mode in modes:
        wait, _, cpus = mode.partition(":")
        got = {}
        base_p50 = []
        for i in range(runs):
            rid = lat.run(sensitivity_scenario(wait, cpus == "pinned", "llstat-sens"))
            rep = lat.report(rid, "base")
            for x in rep["experiments"]:
                if x["name"] == "base":
                    base_p50.append(x["user"]["p50"])
                    continue
                got.setdefault(x["name"], []).append({c["metric"]: c for c in x["vs_baseline"]}["p50"])
            print(f"study: {mode} run {i + 1}/{runs}: run {rid}", file=sys.stderr)
        for name, cs in got.items():
            worse = sum(1 for c in cs if c["verdict"] == "worse")
            ch = statistics.median(100 * (c["estimate"] - 1) for c in cs)
            det = [c["detectable"] for c in cs if c["detectable"] is not None]
            print(f"| {mode} | {name} | {statistics.median(base_p50) / 1e3:.1f} us | {ch:+.1f} % | "
                  f"**{worse}/{len(cs)}** | {100 * statistics.median(det):.1f} % |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("study", choices=["aa", "sensitivity"])
    ap.add_argument("--pairs", type=int, default=20)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--modes", default="block:any,block:pinned,spin:pinned")
    ap.add_argument("--latlab")
    ap.add_argument("--db")
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("study: error: needs root (latlab run builds namespaces)")
    tmp = tempfile.mkdtemp(prefix="llstat-")
    lat = Latlab(latlab_path(a.latlab), a.db or os.path.join(tmp, "study.db"))
    try:
        if a.study == "aa":
            study_aa(lat, a.pairs)
        else:
            study_sensitivity(lat, a.runs, a.modes.split(","))
    finally:
        lat.cleanup()
        print(f"study: store: {lat.db}", file=sys.stderr)


if __name__ == "__main__":
    main()
