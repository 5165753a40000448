#!/usr/bin/env python3
"""Summarise bench/latlab-vs-reference: p50 per tool (median over rounds),
latlab/reference with a 95 % interval over rounds, where latlab's blocking UDP
round trip goes, as Markdown on stdout. Exit 1 when a 5 % goal is missed.

Inputs (the work directory, argv[1]):
  meta.json               parameters and the machine
  store.db                latlab's store (all rounds' runs)
  r<N>-<group>-latlab.json  `latlab report --format json` of round N's run of a group
                          (udp-spin, udp-block, icmp: icmp-spin and icmp-block)
  r<N>-sockperf-busy.csv  sockperf ping-pong --nonblocked --full-rtt --full-log
  r<N>-sockperf.csv       sockperf ping-pong --full-rtt --full-log (blocking)
  r<N>-irtt.json          irtt client -o (per round trip: client and server stamps)
  r<N>-ping-user.txt      iputils ping -U (user receive - user send)
  r<N>-ping.txt           iputils ping (kernel RX stamp - user send)
"""
import json
import math
import os
import re
import sqlite3
import statistics
import sys

# Two-sided 95 % quantiles of Student's t, by degrees of freedom (1..30).
T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
        2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048,
        2.045, 2.042]
GOAL = 0.05


def p50(values):
    """Nearest rank, the value at rank ceil(n/2): what `latlab report` computes."""
    if not values:
        return None
    v = sorted(values)
    return v[max(0, math.ceil(0.5 * len(v)) - 1)]


def p50_whole_us(values):
    """Median of whole-microsecond values, interpolated within its 1 us class (grouped-data median:
    m - 0.5 + (n/2 - below) / at), so that two tools quantized alike compare finer than 1 us."""
    if not values:
        return None
    m = p50(values)
    below = sum(1 for v in values if v < m)
    at = sum(1 for v in values if v == m)
    return m - 0.5 + (len(values) / 2.0 - below) / at


def median(values):
    v = [x for x in values if x is not None]
    return statistics.median(v) if v else None


def ratio_ci(ratios):
    """Geometric mean of per-round ratios and the 95 % t interval of their logs."""
    logs = [math.log(r) for r in ratios if r and r > 0]
    n = len(logs)
    if n == 0:
        return None, None, None, 0
    m = sum(logs) / n
    if n == 1:
        return math.exp(m), None, None, 1
    sd = (sum((x - m) ** 2 for x in logs) / (n - 1)) ** 0.5
    half = (T975[n - 2] if n - 2 < len(T975) else 1.96) * sd / n ** 0.5
    return math.exp(m), math.exp(m - half), math.exp(m + half), n


# --- reference tools (us) ------------------------------------------------------------------------

def ping_us(path, skip):
    out = []
    for line in open(path):
        m = re.search(r"time=([0-9.]+) ms", line)
        if m:
            out.append(float(m.group(1)) * 1000.0)
    return out[skip:]


def sockperf_us(path, skip):
    out = []
    seen_header = False
    for line in open(path):
        if line.startswith("packet, txTime"):
            seen_header = True
            continue
        if seen_header and line[:1].isdigit():
            out.append(float(line.split(",")[3]))
    return out[skip:]


def irtt_us(path, skip):
    """Per received round trip: full (client receive - client send), server
    processing (server send - server receive) and irtt's own rtt (full minus
    server processing), all in us."""
    j = json.load(open(path))
    full, proc, net = [], [], []
    for rt in j["round_trips"][skip:]:
        if str(rt.get("lost")).lower() != "false":
            continue
        c = rt["timestamps"]["client"]
        s = rt["timestamps"]["server"]
        full.append((c["receive"]["monotonic"] - c["send"]["monotonic"]) / 1000.0)
        if "monotonic" in s.get("send", {}) and "monotonic" in s.get("receive", {}):
            proc.append((s["send"]["monotonic"] - s["receive"]["monotonic"]) / 1000.0)
        net.append(rt["delay"]["rtt"] / 1000.0)
    return {"full": full, "proc": proc, "net": net, "length": j["config"]["params"]["length"]}


# --- latlab (report JSON for its figures, the store for per-sample derived ones) -----------------

def latlab_samples(con, exp_ids):
    """(t_send_user, t_recv_kernel, t_recv_user, rtt_user, peer_proc, realtime offset) of the
    measured, answered samples, in sequence order."""
    rows = []
    for eid in exp_ids:
        (offset,) = con.execute("SELECT clock_offset_start_ns FROM experiments WHERE id = ?", (eid,)).fetchone()
        for r in con.execute("SELECT t_send_user, t_recv_kernel, t_recv_user, rtt_user, peer_proc FROM samples "
                             "WHERE experiment_id = ? AND status = 0 AND warmup = 0 ORDER BY seq", (eid,)):
            rows.append(r + (offset or 0,))
    return rows


def whole_us(later, earlier, offset):
    """later - earlier as iputils ping computes it: both on CLOCK_REALTIME, truncated to whole us."""
    return float((later + offset) // 1000 - (earlier + offset) // 1000)


def load_round(work, con, n, skip):
    exps = []
    for group in ("udp-spin", "udp-block", "icmp"):
        exps += json.load(open(os.path.join(work, f"r{n}-{group}-latlab.json")))["experiments"]
    lat = {}
    for e in exps:
        s = latlab_samples(con, e["experiment_ids"])
        us = lambda v: v / 1000.0 if v is not None else None  # noqa: E731
        d = {
            "n": e["user"]["received"],
            "p50": us(e["user"]["p50"]),
            "kernel_p50": us(e["kernel"]["p50"]),
            "overhead": us(e["split"]["user_overhead"]),
            "peer": us(e["split"]["peer"]),
            "how": e["how"]["label"],
        }
        if e["probe"] == "icmp":
            d["user_1us"] = p50_whole_us([whole_us(r[2], r[0], r[5]) for r in s])
            d["krx_1us"] = p50_whole_us([whole_us(r[1], r[0], r[5]) for r in s if r[1] is not None])
            d["krx"] = p50([(r[1] - r[0]) / 1000.0 for r in s if r[1] is not None])
        lat[e["name"]] = d
    f = lambda name: os.path.join(work, f"r{n}-{name}")  # noqa: E731
    ref = {}
    for kind in ("sockperf-busy", "sockperf"):
        v = sockperf_us(f(kind + ".csv"), skip)
        ref[kind] = {"n": len(v), "p50": p50(v)}
    ir = irtt_us(f("irtt.json"), skip)
    ref["irtt"] = {"n": len(ir["full"]), "p50": p50(ir["full"]), "proc": p50(ir["proc"]), "net": p50(ir["net"]),
                   "length": ir["length"]}
    for kind in ("ping-user", "ping"):
        v = ping_us(f(kind + ".txt"), skip)
        ref[kind] = {"n": len(v), "p50": p50_whole_us(v)}
    return lat, ref


def fmt(v, digits=None):
    if v is None:
        return "–"
    if digits is None:
        digits = 1 if abs(v) >= 20 else 2
    return f"{v:.{digits}f}"


def main():
    work = sys.argv[1]
    meta = json.load(open(os.path.join(work, "meta.json")))
    skip = meta["warmup"]
    con = sqlite3.connect(f"file:{os.path.join(work, 'store.db')}?mode=ro", uri=True)
    rounds = [load_round(work, con, n, skip) for n in range(1, meta["rounds"] + 1)]

    L = lambda exp, key: (lambda lat, ref: lat[exp][key])  # noqa: E731
    R = lambda kind, key: (lambda lat, ref: ref[kind][key])  # noqa: E731
    # (what, latlab side, reference side, latlab value, reference value, latlab n, reference n, goal)
    rows = [
        ("UDP, busy-poll both ends", "udp spin/spin, user RTT", "sockperf --nonblocked (client and server)",
         L("udp-spin", "p50"), R("sockperf-busy", "p50"), L("udp-spin", "n"), R("sockperf-busy", "n"), True),
        ("UDP, block both ends", "udp block/block, user RTT", "sockperf (client and server block)",
         L("udp-block", "p50"), R("sockperf", "p50"), L("udp-block", "n"), R("sockperf", "n"), False),
        ("UDP, block both ends", "udp block/block, user RTT", "irtt (client send → receive)",
         L("udp-block", "p50"), R("irtt", "p50"), L("udp-block", "n"), R("irtt", "n"), False),
        ("UDP, block: responder", "peer processing (RX stamp → send)", "irtt server processing (user → user)",
         L("udp-block", "peer"), R("irtt", "proc"), L("udp-block", "n"), R("irtt", "n"), False),
        ("ICMP, busy-poll", "icmp spin, user send → kernel RX (1 µs)", "ping (user send → kernel RX)",
         L("icmp-spin", "krx_1us"), R("ping", "p50"), L("icmp-spin", "n"), R("ping", "n"), True),
        ("ICMP, busy-poll", "icmp spin, user RTT (1 µs)", "ping -U (user → user, one poll() more)",
         L("icmp-spin", "user_1us"), R("ping-user", "p50"), L("icmp-spin", "n"), R("ping-user", "n"), False),
        ("ICMP, latlab blocks", "icmp block, user RTT (1 µs)", "ping -U (busy-polls: not like for like)",
         L("icmp-block", "user_1us"), R("ping-user", "p50"), L("icmp-block", "n"), R("ping-user", "n"), False),
    ]

    nr = len(rounds)
    print(f"## latlab run vs reference tools, one veth pair, {nr} interleaved rounds")
    print()
    print(f"{meta['latlab']} vs {meta['sockperf']}, {meta['irtt']}, {meta['ping']}; payload "
          f"{meta['payload']} B (irtt: {median([r[1]['irtt']['length'] for r in rounds]):.0f} B UDP payload), "
          f"one request every {meta['interval_ms']} ms, {meta['count']} requests per tool and round "
          f"(first {skip} dropped), clients on CPU 1, servers on CPU 0 (latlab `cpu` keys, `taskset`), "
          "no real-time priority. "
          f"Veth pair {meta['veth'][0]}/{meta['veth'][1]}, created once by the bench and moved into the lab's "
          "nodes (`phys` links) by every `latlab run` and `latlab up`.")
    print()
    print("| comparison | latlab | reference | n/round latlab / ref | latlab p50 µs | reference p50 µs "
          "| latlab/reference [95 % CI] | median round ratio | within 5 % |")
    print("|---|---|---|---:|---:|---:|---|---:|---|")
    missed = []
    results = {}
    for what, lside, rside, lv, rv, ln, rn, goal in rows:
        lvals = [lv(*r) for r in rounds]
        rvals = [rv(*r) for r in rounds]
        ratios = [a / b for a, b in zip(lvals, rvals) if a is not None and b]
        est, lo, hi, n = ratio_ci(ratios)
        results[(what, rside)] = (median(lvals), median(rvals), est, lo, hi)
        if est is None:
            verdict = "–"
        elif goal:
            inside = lo is not None and lo >= 1 - GOAL and hi <= 1 + GOAL
            ok = abs(est - 1) <= GOAL
            verdict = ("**yes**" + (" (CI inside)" if inside else " (CI wider)")) if ok else "**no**"
            if not ok:
                missed.append(what + " vs " + rside)
        else:
            verdict = "no goal"
        ci = f"{est:.3f} [{fmt(lo, 3)}–{fmt(hi, 3)}]" if est is not None else "–"
        print(f"| {what} | {lside} | {rside} | {median([ln(*r) for r in rounds]):.0f} / "
              f"{median([rn(*r) for r in rounds]):.0f} | {fmt(median(lvals))} | {fmt(median(rvals))} | {ci} | "
              f"{fmt(median(ratios), 3)} | {verdict} |")
    print()
    print("p50: per round, nearest rank; the columns are medians over rounds. Ratio: geometric mean of the "
          "per-round ratios latlab/reference, 95 % t interval of their logs; the median round ratio is less moved by a round where the machine changed speed between the two runs of a pair. (1 µs): iputils ping stamps with "
          "`struct timeval`, so latlab's stamps are mapped to CLOCK_REALTIME and truncated to whole "
          "microseconds before subtracting, like ping's, and both sides' p50 is the median interpolated "
          "within its 1 µs class (the same estimator on data quantized alike; a whole microsecond is 30 % of "
          "a 3 µs path).")
    ns_spin = median([r[0]["icmp-spin"]["p50"] for r in rounds])
    ns_krx = median([r[0]["icmp-spin"]["krx"] for r in rounds])
    ns_block = median([r[0]["icmp-block"]["p50"] for r in rounds])
    print(f"latlab icmp at ns resolution: spin user RTT {fmt(ns_spin, 2)} µs, user send → kernel RX "
          f"{fmt(ns_krx, 2)} µs; block user RTT {fmt(ns_block, 2)} µs.")
    print()
    print("ICMP: on a veth pair the echo reply is already queued when `sendto` returns (the whole round trip "
          "runs in the sender's softirq). iputils ping at this interval spins between requests (`sched_yield` and "
          "non-blocking `recvmsg`) but, with a reply in flight, calls `poll()` once before `recvmsg` (strace: one "
          "`poll` per request), and `ping -U` stamps the receive after that: its user → user time holds one "
          "system call more than latlab's, whose spinning probe reads the reply directly. `ping` without -U "
          "stamps the receive in the kernel (SO_TIMESTAMP), like latlab's kernel RX stamp: that row is like for "
          "like, and carries the goal.")
    print()

    # Where latlab's blocking UDP round trip goes, against sockperf.
    def med(exp, key):
        return median([r[0][exp][key] for r in rounds])

    b = {k: med("udp-block", k) for k in ("p50", "overhead", "peer", "kernel_p50")}
    s = {k: med("udp-spin", k) for k in ("p50", "overhead", "peer", "kernel_p50")}
    for d in (b, s):
        d["rest"] = d["p50"] - d["overhead"] - d["peer"] if None not in (d["p50"], d["overhead"], d["peer"]) else None
    sp_busy = median([r[1]["sockperf-busy"]["p50"] for r in rounds])
    sp_block = median([r[1]["sockperf"]["p50"] for r in rounds])
    print("### Where latlab's UDP round trip goes (report split, medians over rounds, µs)")
    print()
    print("| | p50 | user-space overhead (user − kernel RTT) | peer processing | what remains (p50 − both) |")
    print("|---|---:|---:|---:|---:|")
    print(f"| latlab udp block/block | {fmt(b['p50'])} | {fmt(b['overhead'])} | {fmt(b['peer'])} | {fmt(b['rest'])} |")
    print(f"| latlab udp spin/spin | {fmt(s['p50'])} | {fmt(s['overhead'])} | {fmt(s['peer'])} | {fmt(s['rest'])} |")
    print(f"| sockperf --nonblocked (busy-poll) | {fmt(sp_busy)} | | | |")
    print(f"| sockperf (blocking) | {fmt(sp_block)} | | | |")
    print()
    if None not in (b["rest"], s["rest"], sp_busy, sp_block):
        gap = b["p50"] - sp_busy
        wake = (b["overhead"] - s["overhead"]) + (b["peer"] - s["peer"])
        kern = b["rest"] - s["rest"]
        tool = s["p50"] - sp_busy
        print(f"latlab block − sockperf --nonblocked = {b['p50']:.1f} − {sp_busy:.1f} = **{gap:.1f} µs**: "
              f"waiting asleep instead of spinning adds {wake:.1f} µs to latlab's own split "
              f"(user-space overhead {b['overhead']:.1f} vs {s['overhead']:.1f} µs: the client's send path and the "
              f"wake-up of CPU 1 for the reply; peer processing {b['peer']:.1f} vs {s['peer']:.1f} µs: the "
              f"reflector's wake-up on CPU 0), the kernel path between the stamps changes by {kern:+.1f} µs "
              f"(what remains: {b['rest']:.1f} vs {s['rest']:.1f} µs), and latlab spin differs from sockperf "
              f"--nonblocked by {tool:+.1f} µs.")
        print()
        wakes = b["overhead"] + b["peer"] - s["overhead"] - s["peer"]
        print(f"latlab block − sockperf (blocking) = {b['p50']:.1f} − {sp_block:.1f} = **{b['p50'] - sp_block:+.1f} µs**. "
              "Both block for the reply, but sockperf's client busy-waits for each send time (one context switch "
              "per request, for the reply), so CPU 1 runs until it sends; latlab's probe sleeps through the "
              "interval (two: for the send time and for the reply). latlab's two wake-ups alone (its block − spin "
              f"user-space overhead and peer processing: {wakes:.1f} µs) take longer than sockperf's whole round "
              f"trip: on this VM a CPU that slept through the interval wakes more slowly than one that was running "
              "until it blocked. The bench cannot split sockperf's time (it takes no stamps).")
    print()
    irtt_proc = median([r[1]["irtt"]["proc"] for r in rounds])
    print(f"irtt's server processing ({fmt(irtt_proc, 2)} µs) runs from its user-space receive (after "
          "`recvfrom` returned) to its send; latlab's peer processing runs from the reflector's kernel RX stamp, "
          f"so it includes the reflector's wake-up ({fmt(b['peer'])} µs blocking, {fmt(s['peer'])} µs "
          "spinning). irtt's client and server are Go programs whose runtime threads wake their CPUs several "
          "times per request (sysmon, netpoller hand-offs), so their CPUs sleep less deeply between requests "
          "than latlab's single-threaded blocking agents'.")
    print()
    print("Stamps: latlab takes a kernel TX and RX stamp per request on the probe and an RX stamp on the "
          "reflector; ping takes an RX stamp, sockperf and irtt none (docs/agent.md: about 0.7–0.9 µs of "
          "kernel CPU time per sample on each end). latlab's user send → kernel RX includes making its TX "
          "stamp (inside `sendto`: a clone of the packet queued on the socket's error queue); ping's does not.")
    print()
    print("Per round (p50 µs, latlab / reference):")
    print()
    print("| round | " + " | ".join(["udp spin / sockperf busy", "udp block / sockperf", "udp block / irtt",
                                    "icmp spin / ping, send → kernel RX (1 µs)"]) + " |")
    print("|---:|---|---|---|---|")
    for i, (lat, ref) in enumerate(rounds, 1):
        cells = [f"{fmt(lat['udp-spin']['p50'])} / {fmt(ref['sockperf-busy']['p50'])}",
                 f"{fmt(lat['udp-block']['p50'])} / {fmt(ref['sockperf']['p50'])}",
                 f"{fmt(lat['udp-block']['p50'])} / {fmt(ref['irtt']['p50'])}",
                 f"{fmt(lat['icmp-spin']['krx_1us'])} / {fmt(ref['ping']['p50'])}"]
        order = "latlab first" if i % 2 else "reversed"
        print(f"| {i} ({order}) | " + " | ".join(cells) + " |")
    print()
    print(f"Machine: {meta['nproc']} CPUs ({meta['cpu_model']}), kernel {meta['kernel']}, {meta['date']}; "
          f"load average {meta['load_start']} at start, {meta['load_end']} at end; other builds may have been "
          "running.")
    if missed:
        print()
        print("Missed goals: " + "; ".join(missed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
