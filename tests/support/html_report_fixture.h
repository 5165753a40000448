// A synthetic Report for the HTML tests: three experiments (one with a hostile
// label), distributions from a deterministic generator, recorded perf stacks,
// counters, captures, an environment difference and groups.
#pragma once

#include <algorithm>
#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include "reports/report_model.h"

namespace latlab::test {

inline const std::string kHostile = "</script><img src=x onerror=alert(1)>\"'&<>";

inline std::vector<reports::Stack> load_flame_data(const std::string& name) {
  std::ifstream in(std::string(LATLAB_SOURCE_DIR) + "/tests/data/flame/" + name);
  std::vector<reports::Stack> out;
  std::string line;
  while (std::getline(in, line)) {
    const auto sp = line.rfind(' ');
    if (sp != std::string::npos) out.push_back({line.substr(0, sp), std::stoll(line.substr(sp + 1))});
  }
  return out;
}

inline reports::ExperimentReport synthetic_experiment(const std::string& label, double base_ns, uint64_t n,
                                                      unsigned seed) {
  reports::ExperimentReport e;
  e.name = label;
  e.label = label;
  e.probe = "icmp";
  e.path_kind = label == "localhost" ? "localhost" : "peer";
  e.from_node = "a";
  e.from_kind = seed % 2 ? "netns" : "docker";
  e.repetitions = 1;
  std::vector<double> rtt;
  uint32_t x = seed * 2654435761u + 1;
  for (uint64_t i = 0; i < n; ++i) {
    x = x * 1664525u + 1013904223u;
    const double u = (static_cast<double>(x >> 8) + 0.5) / 16777216.0;
    rtt.push_back(base_ns * (1 + 0.3 * -std::log(u)) + (i % 97 == 0 ? base_ns * 3 : 0));
  }
  for (uint64_t i = 0; i < n; ++i) e.dist.over_time.emplace_back(static_cast<double>(i) * 0.01, rtt[i]);
  std::vector<double> sorted = rtt;
  std::sort(sorted.begin(), sorted.end());
  const auto q = [&](double p) { return sorted[static_cast<size_t>(p * static_cast<double>(n - 1))]; };
  auto& s = e.user;
  s.samples = n + 2;
  s.received = n;
  s.lost = 2;
  s.warmup_excluded = 5;
  s.min = sorted.front();
  s.p50 = q(0.5);
  s.p90 = q(0.9);
  s.p99 = q(0.99);
  s.p999 = q(0.999);
  s.max = sorted.back();
  double sum = 0;
  for (double v : rtt) sum += v;
  s.mean = sum / static_cast<double>(n);
  s.stddev = base_ns * 0.3;
  s.jitter = base_ns * 0.2;
  s.p50_ci = reports::Interval{*s.p50 * 0.98, *s.p50 * 1.02, 0.95};
  e.kernel = s;
  e.kernel.min = *s.min * 0.8;
  e.kernel.p50 = *s.p50 * 0.8;
  const double lo = sorted.front(), hi = sorted.back();
  const size_t bins = 60;
  for (size_t i = 0; i <= bins; ++i)
    e.dist.edges_ns.push_back(lo + (hi - lo) * static_cast<double>(i) / bins);
  e.dist.counts.assign(bins, 0);
  for (double v : rtt) e.dist.counts[std::min(bins - 1, static_cast<size_t>((v - lo) / (hi - lo) * bins))]++;
  for (size_t i = 0; i < n; i += std::max<size_t>(1, n / 400)) {
    e.dist.cdf.emplace_back(sorted[i], static_cast<double>(i + 1) / static_cast<double>(n));
  }
  e.dist.cdf.emplace_back(sorted.back(), 1.0);
  e.split.total_user = *s.p50;
  e.split.user_overhead = *s.p50 * 0.2;
  e.split.local_stack = *s.p50 * 0.5;
  if (label != "localhost") {
    e.split.wire = *s.p50 * 0.2;
    e.split.peer = *s.p50 * 0.1;
  } else {
    e.split.note = "no wire on loopback";
  }
  e.hops = {{"net_dev_queue", "net_dev_start_xmit", 100, 1500}, {"net_dev_xmit", "netif_rx", 100, 2500}};
  e.counters = {{"a", "softnet", "dropped", 3, true}, {"a", "snmp", "Icmp.InEchoReps", 100, false}};
  e.captures = {{"tcpdump", "veth0", "ok", "", 100, 99, 100}};
  return e;
}

inline reports::Report synthetic_report(bool with_stacks = true) {
  reports::Report r;
  reports::RunInfo run1{
      1,
      "seed-000 " + kHostile,
      "complete",
      1700000000000000000,
      1700000060000000000,
      "0.1.0",
      {{"machine.kernel", "6.1.0"}, {"sysctl.net.core.busy_poll", "0"}, {kHostile, kHostile}}};
  reports::RunInfo run2 = run1;
  run2.id = 2;
  run2.environment["sysctl.net.core.busy_poll"] = "50";
  r.runs = {run1, run2};
  r.experiments.push_back(synthetic_experiment("localhost", 77000, 3000, 1));
  r.experiments.push_back(synthetic_experiment("peer", 134000, 3000, 2));
  r.experiments.push_back(synthetic_experiment(kHostile, 250000, 500, 3));
  r.baseline = "localhost";
  for (size_t i = 1; i < r.experiments.size(); ++i) {
    auto& e = r.experiments[i];
    e.delta_p50_ns = *e.user.p50 - *r.experiments[0].user.p50;
    e.ratio_p50_pct = 100 * *e.user.p50 / *r.experiments[0].user.p50;
    reports::Comparison c;
    c.metric = reports::Metric::p50;
    c.verdict = reports::Verdict::worse;
    c.estimate = e.ratio_p50_pct.value() / 100;
    c.low = *c.estimate * 0.95;
    c.high = *c.estimate * 1.05;
    c.floor = 0.05;
    c.paired = true;
    c.n_a = c.n_b = 10;
    e.vs_baseline.push_back(c);
  }
  if (with_stacks) {
    r.experiments[0].stacks = load_flame_data("ping_localhost.folded");
    r.experiments[1].stacks = load_flame_data("ping_own_address.folded");
    r.experiments[2].stacks = {{kHostile + ";main;" + kHostile + "_[k]", 100}, {"ping;main;f", 50}};
  }
  r.environment_differences = {"sysctl.net.core.busy_poll"};
  r.groups["node kind"] = {{"netns", 3000, 77000, 90000, 1.0}, {kHostile, 3000, 134000, 150000, 1.74}};
  r.warnings = {"warning " + kHostile};
  return r;
}

}  // namespace latlab::test
