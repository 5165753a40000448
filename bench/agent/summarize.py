#!/usr/bin/env python3
"""Summarise bench/agent-vs-reference outputs: p50/p99 per tool and path, the
agent/reference ratios, and the back-to-back rates.

Inputs (in the work directory given as argv[1]):
  <path>-ping-kernel-<round>.txt   iputils ping (RTT = kernel RX stamp - user send)
  <path>-ping-user-<round>.txt     iputils ping -U (RTT = user receive - user send)
  <path>-agent-icmp-<round>.jsonl  latlab-agent icmp
  <path>-sockperf-<round>.csv      sockperf ping-pong --full-rtt --full-log
  <path>-agent-udp-<round>.jsonl   latlab-agent udp
  <path>-rate-*.txt / .jsonl       back-to-back runs
"""
import glob
import json
import os
import re
import sys

WARMUP = 10  # leading samples dropped from every run, for every tool alike


def pct(values, p):
    if not values:
        return float("nan")
    v = sorted(values)
    k = max(0, min(len(v) - 1, int(round(p / 100.0 * len(v) + 0.5)) - 1))
    return v[k]


def ping_us(path):
    out = []
    for line in open(path):
        m = re.search(r"time=([0-9.]+) ms", line)
        if m:
            out.append(float(m.group(1)) * 1000.0)
    return out[WARMUP:]


def agent_us(path, metric, quantize=False):
    """Agent RTTs in us. With quantize, both ends are mapped to CLOCK_REALTIME
    and truncated to whole microseconds first, exactly as iputils ping does with
    its struct timeval stamps, so that the two are compared like with like."""
    out = []
    offset = 0
    for line in open(path):
        d = json.loads(line)
        if d.get("type") == "header":
            offset = d["clock"]["realtime_minus_monotonic_ns"]
        if d.get("type") != "sample" or d.get("status") != "ok" or d.get("warmup"):
            continue
        send = d["t_send_user_ns"]
        if metric == "kernel_rx_minus_user_send":
            if d["t_recv_kernel_ns"] is None:
                continue
            recv = d["t_recv_kernel_ns"]
        else:
            recv = d["t_recv_user_ns"]
        if quantize:
            out.append(float((recv + offset) // 1000 - (send + offset) // 1000))
        else:
            out.append((recv - send) / 1000.0)
    return out[WARMUP:]


def sockperf_us(path):
    out = []
    seen_header = False
    for line in open(path):
        if line.startswith("packet, txTime"):
            seen_header = True
            continue
        if seen_header and line[:1].isdigit():
            out.append(float(line.split(",")[3]))
    return out[WARMUP:]


def collect(work, pattern, reader, *args):
    values = []
    for f in sorted(glob.glob(os.path.join(work, pattern))):
        values += reader(f, *args)
    return values


def agent_rate(path):
    for line in open(path):
        d = json.loads(line)
        if d.get("type") == "summary":
            return d["received"] / (d["elapsed_ns"] / 1e9)
    return float("nan")


def ping_flood_rate(path):
    text = open(path).read()
    m = re.search(r"(\d+) packets transmitted, (\d+) received.*time (\d+)ms", text)
    return int(m.group(2)) / (int(m.group(3)) / 1000.0) if m else float("nan")


def sockperf_rate(path):
    text = open(path).read()
    m = re.search(r"\[Valid Duration\] RunTime=([0-9.]+) sec; SentMessages=\d+; ReceivedMessages=(\d+)", text)
    return int(m.group(2)) / float(m.group(1)) if m else float("nan")


def best(work, pattern, reader):
    rates = [reader(f) for f in sorted(glob.glob(os.path.join(work, pattern)))]
    rates = [r for r in rates if r == r]
    return max(rates) if rates else float("nan")


def main():
    work = sys.argv[1]
    rows = []
    for path in ("veth", "loopback"):
        comparisons = [
            ("icmp, user send->kernel RX (1us)", "ping",
             collect(work, f"{path}-ping-kernel-*.txt", ping_us),
             collect(work, f"{path}-agent-icmp-*.jsonl", agent_us, "kernel_rx_minus_user_send", True)),
            ("icmp, user->user (1us)", "ping -U",
             collect(work, f"{path}-ping-user-*.txt", ping_us),
             collect(work, f"{path}-agent-icmp-*.jsonl", agent_us, "rtt_user_ns", True)),
            ("udp, user->user", "sockperf",
             collect(work, f"{path}-sockperf-*.csv", sockperf_us),
             collect(work, f"{path}-agent-udp-*.jsonl", agent_us, "rtt_user_ns")),
        ]
        for name, ref_name, ref, agent in comparisons:
            rows.append((path, name, ref_name, len(ref), pct(ref, 50), pct(ref, 99), len(agent), pct(agent, 50),
                         pct(agent, 99)))
    print(f"{'path':9} {'metric':33} {'reference':9} {'n_ref':>6} {'ref p50':>8} {'ref p99':>8} "
          f"{'n_agt':>6} {'agt p50':>8} {'agt p99':>8} {'p50 ratio':>9} {'p99 ratio':>9}")
    verdicts = []
    for path, name, ref_name, nr, r50, r99, na, a50, a99 in rows:
        ratio50 = a50 / r50 if r50 else float("nan")
        ratio99 = a99 / r99 if r99 else float("nan")
        print(f"{path:9} {name:33} {ref_name:9} {nr:6d} {r50:8.2f} {r99:8.2f} {na:6d} {a50:8.2f} {a99:8.2f} "
              f"{ratio50:9.3f} {ratio99:9.3f}")
        verdicts.append((f"{path} {name}: agent p50 within 5% of {ref_name}", abs(ratio50 - 1.0) <= 0.05 or ratio50 < 1.0))
    print("(times in microseconds; p50/p99 pooled over all rounds, first %d samples of each run dropped;" % WARMUP)
    print(" '(1us)': iputils ping stamps with struct timeval, so the agent's stamps are truncated to whole")
    print(" microseconds of CLOCK_REALTIME the same way before subtracting; unquantized agent values below)")
    print()
    print(f"{'path':9} {'agent icmp, ns resolution':30} {'p50':>8} {'p99':>8} {'rtt_kernel p50':>15}")
    for path in ("veth", "loopback"):
        for name, metric in (("user send->kernel RX", "kernel_rx_minus_user_send"), ("user->user", "rtt_user_ns")):
            v = collect(work, f"{path}-agent-icmp-*.jsonl", agent_us, metric)
            k = []
            for f in sorted(glob.glob(os.path.join(work, f"{path}-agent-icmp-*.jsonl"))):
                k += [json.loads(l)["rtt_kernel_ns"] / 1000.0 for l in open(f)
                      if '"type":"sample"' in l and '"status":"ok"' in l and '"rtt_kernel_ns":null' not in l][WARMUP:]
            print(f"{path:9} {name:30} {pct(v, 50):8.2f} {pct(v, 99):8.2f} {pct(k, 50):15.2f}")
    print()
    print(f"{'path':9} {'back-to-back rate':24} {'reference/s':>12} {'agent/s':>12} {'ratio':>7}")
    for path in ("veth", "loopback"):
        for name, ref_pattern, ref_reader, agent_pattern in (
                ("icmp (ping -f)", f"{path}-rate-ping-*.txt", ping_flood_rate, f"{path}-rate-agent-icmp-*.jsonl"),
                ("udp (sockperf --mps=max)", f"{path}-rate-sockperf-*.txt", sockperf_rate,
                 f"{path}-rate-agent-udp-*.jsonl")):
            ref = best(work, ref_pattern, ref_reader)
            agt = best(work, agent_pattern, agent_rate)
            ratio = agt / ref if ref else float("nan")
            print(f"{path:9} {name:24} {ref:12.0f} {agt:12.0f} {ratio:7.3f}")
            if "udp" in name:
                verdicts.append((f"{path} udp: agent back-to-back rate >= sockperf", ratio >= 1.0))
    print()
    for text, ok in verdicts:
        print(("PASS " if ok else "MISS ") + text)


if __name__ == "__main__":
    main()
