// What a report shows, computed from the store only (never the kernel).
// Built by build_report(); rendered by one emitter with several renderers
// (text, md, json, csv, html). Passive data.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "reports/inference.h"

namespace latlab::reports {

struct Interval {  // a confidence interval
  double low = 0;
  double high = 0;
  double level = 0.95;
};

// Latency statistics of one group of samples (ns). Warm-up samples are
// excluded and counted; lost and late ones are counted, not mixed in.
struct LatencyStats {
  uint64_t samples = 0;   // measured (non-warm-up) requests
  uint64_t received = 0;  // with an RTT
  uint64_t lost = 0;
  uint64_t late = 0;
  uint64_t warmup_excluded = 0;
  std::optional<double> min, p50, mean, p90, p99, p999, max, stddev;
  std::optional<double> jitter;  // RFC 3393 IPDV, mean absolute difference of consecutive RTTs
  // 95 % intervals over the repetitions (inference.h), unset below 2.
  std::optional<Interval> p50_ci, p99_ci;
  bool percentiles_exact = true;  // false: from the log histogram (relative error < 0.05 %)
  double loss_pct() const { return samples ? 100.0 * static_cast<double>(lost) / static_cast<double>(samples) : 0; }
};

// One histogram / CDF series for charts (bounded size).
struct Distribution {
  std::vector<double> edges_ns;   // bucket edges, size = counts.size() + 1
  std::vector<uint64_t> counts;
  std::vector<std::pair<double, double>> cdf;  // (ns, fraction) points, at most ~500
  std::vector<std::pair<double, double>> over_time;  // (seconds since start, rtt ns), downsampled to <= 2000 points
};

// Where the time goes (ns, medians): user-space overhead = user RTT - kernel RTT;
// wire = reply wire - request wire (from captures); peer = responder's own time.
// How the figures were taken: read from the experiment's stored parameters.
struct HowTaken {
  std::string wait = "block";  // the probe: block | spin | busy_poll
  std::string responder = "kernel";  // kernel | udp-reflector | raw
  std::string responder_wait;  // "" for the kernel responder
  int64_t responder_delay_ns = 0;
  std::optional<int64_t> busy_poll_us;  // SO_BUSY_POLL set by the scenario's options
  std::optional<int64_t> cpu;
  std::string agent;  // in containers: "exec" | "setns" (probe/responder when they differ); "" elsewhere
  double min_effect = kDefaultMinEffect;  // the scenario's floor for verdicts
};

struct TimeSplit {
  std::optional<double> user_overhead;
  std::optional<double> local_stack;  // kernel RTT - wire RTT, when captured
  std::optional<double> wire;
  std::optional<double> peer;
  std::optional<double> total_user;
  std::string note;  // what was not available and why
};

struct HopStat {
  std::string from_event;
  std::string to_event;
  uint64_t count = 0;
  std::optional<double> median_ns;
};

struct CounterChange {
  std::string node;
  std::string source;
  std::string name;
  int64_t delta = 0;
  bool flagged = false;  // drops, squeezes, errors
};

struct CaptureCoverage {
  std::string kind;
  std::string interface;
  std::string status;
  std::string error;
  std::optional<int64_t> requests_seen, replies_seen, expected;
};

struct Stack {
  std::string folded;  // comm;root;...;leaf
  int64_t weight = 0;
};

// A background load of an experiment, over its repetitions (store: loads).
struct LoadSummary {
  std::string kind;  // tcp | udp
  std::string from_node;
  std::string to_node;
  int64_t streams = 1;
  int64_t bandwidth_bps = 0;  // asked for (0 = as fast as it goes)
  uint32_t repetitions = 0;
  uint32_t failed = 0;
  std::optional<double> bits_per_second;  // mean over the repetitions that completed
  std::optional<int64_t> retransmits;     // summed
  std::optional<int64_t> lost_packets;
  std::optional<int64_t> packets;
  std::string egress;  // the interface whose qdisc backlog was watched
  int64_t peak_backlog_bytes = 0;  // the largest over the repetitions
  int64_t peak_qlen = 0;
  std::string cpus;
  std::string congestion;  // TCP: the sender's, as iperf3 reported it
  std::string error;  // the first failure's
};

// One probe of an experiment that runs several at once.
struct PairRow {
  int64_t pair = 0;
  uint64_t received = 0;
  uint64_t lost = 0;
  std::optional<double> p50, p99;
};

// One experiment (by name) of a run, over all its repetitions.
struct ExperimentReport {
  int64_t run_id = 0;
  std::string name;
  std::string label;  // "name" or "run 3: name" when several runs are compared
  std::string probe;
  std::string path_kind;  // peer | self | localhost
  std::string from_node;
  std::string from_kind;  // node kind: host | netns | docker
  std::string to_kind;    // the target's node kind ("" for localhost)
  std::string target;
  uint32_t repetitions = 0;
  std::vector<int64_t> experiment_ids;  // store ids, one per repetition
  HowTaken how;
  std::vector<RepetitionStat> reps;         // rtt_user, one per repetition, in repetition order
  std::vector<RepetitionStat> kernel_reps;  // rtt_kernel
  RepetitionEstimate p50_reps, p99_reps, loss_reps;  // over repetitions
  VarianceSplit variance;  // of p50: between vs within repetitions
  LatencyStats user;    // rtt_user
  LatencyStats kernel;  // rtt_kernel (when stamped)
  Distribution dist;    // of rtt_user
  TimeSplit split;
  std::vector<HopStat> hops;
  std::vector<CounterChange> counters;
  std::vector<CaptureCoverage> captures;
  std::vector<Stack> stacks;  // merged over repetitions, heaviest first
  std::vector<LoadSummary> loads;
  std::vector<PairRow> pairs;  // when it ran more than one probe at once
  std::string idle;            // its idle reference as the scenario names it ("" = found by the report)
  std::string identity;        // probe, ends and schedule: what an idle reference must share
  std::vector<std::string> errors;
  // Against the baseline row (unset for the baseline itself).
  std::optional<double> delta_p50_ns;   // pooled p50 - baseline pooled p50
  std::optional<double> ratio_p50_pct;  // 100 * p50 / baseline p50 (seed 000's "174 %"), over repetitions
  std::vector<Comparison> vs_baseline;  // p50, p99, loss: verdicts over repetitions
  const Comparison* verdict(Metric m) const {
    for (const auto& c : vs_baseline)
      if (c.metric == m) return &c;
    return nullptr;
  }
};

struct RunInfo {
  int64_t id = 0;
  std::string scenario;
  std::string status;
  int64_t started_ns = 0;
  std::optional<int64_t> ended_ns;
  std::string latlab_version;
  std::map<std::string, std::string> environment;  // flattened host_json: "machine.kernel" -> "6.1..."
};

struct GroupRow {  // "container vs host" as one table
  std::string key;  // path kind or node kind value
  uint64_t samples = 0;
  std::optional<double> p50, p99;
  std::optional<double> ratio_to_first;
};

// An experiment under load beside its idle reference.
struct UnderLoadRow {
  std::string loaded;  // label of the experiment under load
  std::string idle;    // label of its idle reference ("" = none)
  std::string idle_how;  // "named by the scenario" | "same probe, ends and schedule" | why none
  std::optional<double> idle_p50, idle_p99, load_p50, load_p99;
  std::optional<Comparison> p50, p99;  // loaded vs idle, over repetitions
  std::string load;                    // what the load achieved, one line
  std::vector<std::string> explain;    // the counters that explain the difference
};

struct Report {
  std::vector<RunInfo> runs;
  std::vector<ExperimentReport> experiments;
  std::string baseline;  // label of the baseline row ("" = none)
  // Environment keys whose values differ between the compared runs.
  std::vector<std::string> environment_differences;
  std::map<std::string, std::vector<GroupRow>> groups;  // "path kind", "node kind"
  std::vector<UnderLoadRow> under_load;
  std::vector<std::string> warnings;
};

}  // namespace latlab::reports
