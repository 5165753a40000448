#!/usr/bin/env python3
"""Summarise bench/agent-vs-reference outputs: p50/p99 per tool and path, the
agent/reference ratios, and the back-to-back rates.

Inputs (in the work directory given as argv[1]):
  <path>-ping-kernel-<round>.txt   iputils ping (RTT = kernel RX stamp - user send)
  <path>-ping-user-<round>.txt     iputils ping -U (RTT = user receive - user send)
  <path>-agent-icmp-<round>.jsonl  latlab-agent icmp
  <path>-sockperf-<round>.csv      sockperf ping-pong --full-rtt --full-log
  <path>-agent-udp-<round>.jsonl   latlab-agent udp
  <path>-rate-<kind>-<round>.*     back-to-back runs, paired by round
  <path>-perf-<kind>.csv           perf stat of one back-to-back run per client
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


def round_files(work, path, kind):
    """{round: file} for one kind of back-to-back run (numbered rounds only)."""
    out = {}
    rx = re.compile(re.escape(f"{path}-rate-{kind}-") + r"(\d+)\.(txt|jsonl)$")
    for f in os.listdir(work):
        m = rx.match(f)
        if m:
            out[int(m.group(1))] = os.path.join(work, f)
    return out


def median(values):
    v = sorted(values)
    if not v:
        return float("nan")
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2.0


def paired(work, path, ref_kind, ref_reader, agent_kind):
    """Median rates and the per-round ratios agent/reference."""
    refs = {r: ref_reader(f) for r, f in round_files(work, path, ref_kind).items()}
    agents = {r: agent_rate(f) for r, f in round_files(work, path, agent_kind).items()}
    rounds = sorted(r for r in refs if r in agents and refs[r] == refs[r] and agents[r] == agents[r] and refs[r] > 0)
    ratios = [agents[r] / refs[r] for r in rounds]
    return (median([refs[r] for r in rounds]), median([agents[r] for r in rounds]), ratios)


# Two-sided 95 % quantiles of Student's t, by degrees of freedom.
T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131]


def mean_ci(values):
    """Mean and its 95 % confidence interval (Student's t over the rounds)."""
    n = len(values)
    if n == 0:
        return float("nan"), float("nan"), float("nan")
    m = sum(values) / n
    if n == 1:
        return m, float("nan"), float("nan")
    sd = (sum((v - m) ** 2 for v in values) / (n - 1)) ** 0.5
    half = T975[min(n - 2, len(T975) - 1)] * sd / n ** 0.5
    return m, m - half, m + half


def perf_stat(path):
    """task-clock (ms), system calls and sendto calls of one perf stat -x, file."""
    values = {}
    try:
        for line in open(path):
            parts = line.strip().split(",")
            if len(parts) >= 3 and parts[0] and parts[0][0].isdigit():
                values[parts[2]] = float(parts[0])
    except OSError:
        pass
    return values


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
        verdicts.append((f"{path} {name}: agent p50 within 5% of {ref_name}",
                         "PASS" if abs(ratio50 - 1.0) <= 0.05 or ratio50 < 1.0 else "MISS"))
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
    print(f"{'path':9} {'back-to-back rate':44} {'reference/s':>12} {'agent/s':>12} {'ratio':>7} "
          f"{'95% CI':>14}")
    comparisons = [
        ("icmp vs ping -f", "ping", ping_flood_rate, "agent-icmp", False),
        ("icmp --kernel-stamps off vs ping -f", "ping", ping_flood_rate, "agent-icmp-nostamps", False),
        ("udp vs sockperf (blocking)", "sockperf", sockperf_rate, "agent-udp", True),
        ("udp --kernel-stamps off vs sockperf (blocking)", "sockperf", sockperf_rate, "agent-udp-nostamps", True),
        ("udp --spin vs sockperf --nonblocked", "sockperf-busy", sockperf_rate, "agent-udp-busy", True),
        ("udp --spin --kernel-stamps off vs sockperf --nonblocked", "sockperf-busy", sockperf_rate,
         "agent-udp-busy-nostamps", True),
    ]
    for path in ("veth", "loopback"):
        for name, ref_kind, ref_reader, agent_kind, verdict in comparisons:
            ref, agt, ratios = paired(work, path, ref_kind, ref_reader, agent_kind)
            ratio, lo, hi = mean_ci(ratios)
            print(f"{path:9} {name[:44]:44} {ref:12.0f} {agt:12.0f} {ratio:7.3f} {lo:6.3f}-{hi:<7.3f}")
            if verdict:
                label = "PASS" if ratio >= 1.0 else ("EVEN" if hi >= 1.0 else "MISS")
                verdicts.append((f"{path} {name}: agent back-to-back rate >= reference "
                                 f"({ratio:.3f}, 95% CI {lo:.3f}-{hi:.3f}, {len(ratios)} rounds)", label))
    print("(ratio: mean over rounds of agent/reference within the same round, with its 95% confidence interval;")
    print(" rates: medians over rounds. --kernel-stamps off takes what the reference takes: no kernel stamps)")
    print()
    print(f"{'path':9} {'back to back':22} {'client syscalls':>16} {'client CPU us':>14} {'server CPU us':>14}")
    for path in ("veth", "loopback"):
        for kind, name in (("ping", "ping -f"), ("agent-icmp", "agent icmp"), ("sockperf", "sockperf"),
                           ("agent-udp", "agent udp")):
            v = perf_stat(os.path.join(work, f"{path}-perf-{kind}.csv"))
            sends = v.get("syscalls:sys_enter_sendto", 0)
            if not sends:
                continue
            server = perf_stat(os.path.join(work, f"{path}-perf-{kind}-server.csv")).get("task-clock")
            server_text = f"{server * 1000.0 / sends:14.2f}" if server else f"{'(kernel)':>14}"
            print(f"{path:9} {name:22} {v.get('raw_syscalls:sys_enter', 0) / sends:16.2f} "
                  f"{v.get('task-clock', 0) * 1000.0 / sends:14.2f} {server_text}")
    print("(per sample: perf stat over one run per client, divided by its sendto calls, one per request;")
    print(" server: the responder's CPU time over the same run, while it served only that client)")
    print()
    for text, label in verdicts:
        print(label + " " + text)
    print("(EVEN: below 1 but within the noise of the rounds: no measurable difference)")


if __name__ == "__main__":
    main()
