#include "reports/build_report.h"
#include "reports/under_load.h"

#include "reports/render.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <memory>
#include <set>

namespace latlab::reports {

using nlohmann::json;
using store::ExperimentRecord;
using store::SampleRecord;
using store::SampleStatus;

namespace {

constexpr size_t kSplitExactLimit = 65536;  // split medians: exact up to this, histogram beyond

void flatten_into(const json& j, const std::string& prefix, std::map<std::string, std::string>& out) {
  if (j.is_object()) {
    if (j.empty() && !prefix.empty()) out[prefix] = "{}";
    for (auto it = j.begin(); it != j.end(); ++it)
      flatten_into(it.value(), prefix.empty() ? it.key() : prefix + "." + it.key(), out);
  } else if (j.is_array()) {
    if (j.empty()) out[prefix] = "[]";
    for (size_t i = 0; i < j.size(); ++i) flatten_into(j[i], prefix + "[" + std::to_string(i) + "]", out);
  } else if (j.is_string()) {
    out[prefix] = j.get<std::string>();
  } else {
    out[prefix] = j.dump();
  }
}

std::optional<int64_t> parse_int(const std::string& s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::optional<int64_t> json_int(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  return it->get<int64_t>();
}

// The order experiments are declared in the stored scenario text; names not
// found there follow in order of first appearance.
std::vector<std::string> declared_order(const store::RunRecord& run,
                                        const std::vector<ExperimentRecord>& exps) {
  std::vector<std::string> order;
  std::set<std::string> present;
  for (const auto& e : exps) present.insert(e.name);
  json s = json::parse(run.scenario_text, nullptr, false);
  if (s.is_object() && s.contains("experiments") && s["experiments"].is_array())
    for (const auto& x : s["experiments"])
      if (x.is_object() && x.contains("name") && x["name"].is_string()) {
        auto n = x["name"].get<std::string>();
        if (present.count(n) && std::find(order.begin(), order.end(), n) == order.end()) order.push_back(n);
      }
  for (const auto& e : exps)
    if (std::find(order.begin(), order.end(), e.name) == order.end()) order.push_back(e.name);
  return order;
}

int hop_rank(const std::string& ev) {
  static const char* const kPath[] = {"net_dev_queue",     "net_dev_start_xmit", "netif_rx", "net_dev_xmit",
                                      "netif_receive_skb", "consume_skb",        "kfree_skb"};
  for (int i = 0; i < 7; ++i)
    if (ev == kPath[i]) return i;
  return 100;
}

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct GroupAcc {  // pooled RTTs of a kind: merged log histograms (relative error < 0.05 %)
  std::string key;
  LogHistogram h;
};

GroupAcc& group_for(std::vector<GroupAcc>& groups, const std::string& key) {
  for (auto& g : groups)
    if (g.key == key) return g;
  groups.push_back(GroupAcc{key, LogHistogram{}});
  return groups.back();
}

// One repetition's percentiles, and the sampling sd of its p50 (from the
// order-statistic interval: half its width over 1.96).
void fill_repetition(Quantiles& q, RepetitionStat& r) {
  q.finish();
  r.received = q.count();
  r.p50 = q.quantile(0.5);
  r.p99 = q.quantile(0.99);
  if (auto ci = q.ci(0.5)) r.p50_sampling_sd = (ci->high - ci->low) / (2 * 1.959963984540054);
}

// The experiment's p50 / p99 intervals come from its repetitions, never from
// the pooled samples (unset below 2 repetitions).
void set_repetition_intervals(const std::vector<RepetitionStat>& reps, LatencyStats& s) {
  auto to_interval = [](const RepetitionEstimate& e) -> std::optional<Interval> {
    if (!e.low || !e.high) return std::nullopt;
    return Interval{*e.low, *e.high, kLevel};
  };
  s.p50_ci = to_interval(estimate(reps, Metric::p50));
  s.p99_ci = to_interval(estimate(reps, Metric::p99));
}

// The node-kind table's rows: "docker -> docker (peer)", "netns (localhost)".
std::string node_kind_key(const std::string& from, const std::string& to, const std::string& path) {
  std::string f = from.empty() ? "-" : from;
  if (path == "localhost" || path == "self" || to.empty())
    return f + " (" + (path.empty() ? "-" : path) + ")";
  return f + " -> " + to + " (" + (path.empty() ? "-" : path) + ")";
}

}  // namespace

HowTaken how_taken(const ExperimentRecord& e) {
  HowTaken h;
  json p = json::parse(e.params_json, nullptr, false);
  if (!p.is_object()) return h;
  auto str = [&](const char* k, std::string& dst) {
    if (p.contains(k) && p[k].is_string()) dst = p[k].get<std::string>();
  };
  str("wait", h.wait);
  str("responder", h.responder);
  if (h.responder.empty()) h.responder = "kernel";
  str("responder_wait", h.responder_wait);
  str("agent", h.agent);
  if (h.responder != "kernel" && h.responder_wait.empty()) h.responder_wait = "block";
  if (auto d = json_int(p, "responder_delay_ns")) h.responder_delay_ns = *d;
  h.busy_poll_us = json_int(p, "busy_poll_us");
  h.cpu = json_int(p, "cpu");
  if (p.contains("min_effect") && p["min_effect"].is_number()) h.min_effect = p["min_effect"].get<double>();
  return h;
}

namespace {

// Streams the samples of one experiment's repetitions and fills its statistics.
Status fill_experiment(store::SqliteStore& st, const std::vector<const ExperimentRecord*>& reps,
                       size_t exact_limit, ExperimentReport& x, LogHistogram& path_group,
                       LogHistogram& node_group) {
  LatencySeries user(exact_limit), kernel(exact_limit);
  Quantiles overhead(kSplitExactLimit), wire(kSplitExactLimit), stack(kSplitExactLimit),
      peer(kSplitExactLimit);
  Downsampler over_time(2000);
  std::optional<int64_t> t0;
  LatencyStats counts;
  uint64_t kernel_received = 0;
  // Hops: per-repetition medians and pair counts, by "from>to".
  std::map<std::string, std::vector<double>> hop_medians;
  std::map<std::string, uint64_t> hop_counts;
  std::map<std::tuple<std::string, std::string, std::string>, int64_t> counters;
  std::map<std::pair<std::string, std::string>, CaptureCoverage> captures;
  std::vector<std::pair<std::string, std::string>> capture_order;
  std::map<std::string, int64_t> stacks;

  for (const ExperimentRecord* e : reps) {
    x.experiment_ids.push_back(e->id);
    Quantiles rep_user(kSplitExactLimit), rep_kernel(kSplitExactLimit);
    RepetitionStat rs;
    rs.repetition = e->repetition;
    rs.position = e->position;
    if (e->status != "complete")
      x.errors.push_back(fmt::format("repetition {}: {}{}{}", e->repetition, e->status,
                                     e->error.empty() ? "" : ": ", e->error));
    else if (!e->error.empty())
      x.errors.push_back(fmt::format("repetition {}: {}", e->repetition, e->error));
    user.new_stream();
    kernel.new_stream();
    auto s = st.for_each_sample(e->id, [&](const SampleRecord& r) {
      if (r.warmup) {
        ++counts.warmup_excluded;
        return;
      }
      ++counts.samples;
      ++rs.samples;
      if (r.status == SampleStatus::lost) {
        ++counts.lost;
        rs.loss_pct += 1;  // a count until the repetition ends
        return;
      }
      if (r.status == SampleStatus::late) {
        ++counts.late;
        return;
      }
      if (r.rtt_user) {
        ++counts.received;
        user.add(*r.rtt_user);
        rep_user.add(*r.rtt_user);
        if (r.t_send_user) {
          if (!t0) t0 = *r.t_send_user;
          over_time.add(static_cast<double>(*r.t_send_user - *t0) / 1e9, static_cast<double>(*r.rtt_user));
        }
      }
      if (r.rtt_kernel) {
        ++kernel_received;
        kernel.add(*r.rtt_kernel);
        rep_kernel.add(*r.rtt_kernel);
      }
      if (r.rtt_user && r.rtt_kernel) overhead.add(*r.rtt_user - *r.rtt_kernel);
      if (r.wire_send && r.wire_recv) {
        int64_t w = *r.wire_recv - *r.wire_send;
        wire.add(w);
        if (r.rtt_kernel) stack.add(*r.rtt_kernel - w);
      }
      if (r.peer_proc) peer.add(*r.peer_proc);
    });
    if (!s.ok()) return s.error().with_context(fmt::format("experiment {} (id {})", e->name, e->id));
    rs.loss_pct = rs.samples ? 100.0 * rs.loss_pct / static_cast<double>(rs.samples) : 0;
    RepetitionStat ks = rs;
    fill_repetition(rep_user, rs);
    fill_repetition(rep_kernel, ks);
    x.reps.push_back(rs);
    x.kernel_reps.push_back(ks);

    auto caps = st.captures(e->id);
    if (!caps.ok()) return caps.error();
    for (const auto& c : *caps) {
      json sj = json::parse(c.summary_json, nullptr, false);
      if (!sj.is_object()) sj = json::object();
      auto key = std::make_pair(c.kind, c.interface);
      auto [it, fresh] = captures.try_emplace(key);
      CaptureCoverage& cov = it->second;
      if (fresh) {
        capture_order.push_back(key);
        cov.kind = c.kind;
        cov.interface = c.interface;
        cov.status = c.status;
      } else if (c.status != "ok") {
        cov.status = c.status;  // the worst one wins: anything but ok
      }
      if (!c.error.empty() && cov.error.find(c.error) == std::string::npos)
        cov.error += (cov.error.empty() ? "" : "; ") + c.error;
      // Read by what a capture's summary holds, not by its kind: frames
      // seen (tcpdump), hop medians (trace).
      auto add = [](std::optional<int64_t>& dst, std::optional<int64_t> v) {
        if (v) dst = dst.value_or(0) + *v;
      };
      add(cov.requests_seen, json_int(sj, "requests_seen"));
      add(cov.replies_seen, json_int(sj, "replies_seen"));
      add(cov.expected, json_int(sj, "requests_expected"));
      if (sj.contains("hop_median_ns") && sj["hop_median_ns"].is_object()) {
        for (auto h = sj["hop_median_ns"].begin(); h != sj["hop_median_ns"].end(); ++h) {
          if (!h->is_number()) continue;
          hop_medians[h.key()].push_back(h->get<double>());
          uint64_t pairs = 0;
          if (sj.contains("hop_pairs") && sj["hop_pairs"].is_object() && sj["hop_pairs"].contains(h.key()) &&
              sj["hop_pairs"][h.key()].is_number())
            pairs = sj["hop_pairs"][h.key()].get<uint64_t>();
          hop_counts[h.key()] += pairs;
        }
      }
    }
    auto ctrs = st.counters(e->id);
    if (!ctrs.ok()) return ctrs.error();
    for (const auto& c : *ctrs)
      if (c.phase == "delta") counters[{c.node, c.source, c.name}] += c.value;
    auto stk = st.stacks(e->id);
    if (!stk.ok()) return stk.error();
    for (const auto& s2 : *stk) stacks[s2.stack] += s2.weight;
  }

  user.finish(x.user);
  kernel.finish(x.kernel);
  set_repetition_intervals(x.reps, x.user);
  set_repetition_intervals(x.kernel_reps, x.kernel);
  x.p50_reps = estimate(x.reps, Metric::p50);
  x.p99_reps = estimate(x.reps, Metric::p99);
  x.loss_reps = estimate(x.reps, Metric::loss);
  x.variance = split_variance(x.reps);
  path_group.merge(user.q.histogram());
  node_group.merge(user.q.histogram());
  x.user.samples = counts.samples;
  x.user.received = counts.received;
  x.user.lost = counts.lost;
  x.user.late = counts.late;
  x.user.warmup_excluded = counts.warmup_excluded;
  x.user.percentiles_exact = user.q.exact();
  x.kernel.samples = counts.samples;
  x.kernel.received = kernel_received;
  x.kernel.lost = counts.lost;
  x.kernel.late = counts.late;
  x.kernel.warmup_excluded = counts.warmup_excluded;
  x.kernel.percentiles_exact = kernel.q.exact();
  x.dist = make_distribution(user.q);
  x.dist.over_time = over_time.points();

  // Where the time goes.
  auto med = [](Quantiles& q) -> std::optional<double> {
    q.finish();
    return q.quantile(0.5);
  };
  x.split.total_user = x.user.p50;
  x.split.user_overhead = med(overhead);
  x.split.wire = med(wire);
  x.split.local_stack = med(stack);
  x.split.peer = med(peer);
  std::vector<std::string> missing;
  if (!x.split.user_overhead) missing.push_back("no kernel timestamps, so no user-space overhead");
  if (!x.split.wire) {
    bool has_tcpdump = std::any_of(captures.begin(), captures.end(),
                                   [](const auto& c) { return c.second.expected.has_value(); });
    missing.push_back(has_tcpdump ? "no wire times: the tcpdump capture matched no request/reply pair"
                                  : "no wire times: no tcpdump capture");
  }
  if (!x.split.local_stack && x.split.wire) missing.push_back("no local stack: no kernel timestamps");
  if (!x.split.peer) missing.push_back("no peer processing time: the responder did not report it");
  // A sleeping CPU takes time to wake (~80 µs for a vCPU here): in block mode
  // that wake-up sits inside the figures; say where.
  auto us = [](double ns) { return fmt::format("{:.1f} µs", ns / 1e3); };
  if (x.how.wait == "block" && x.split.user_overhead)
    missing.push_back(
        fmt::format("the probe blocks between packets: its user-space overhead ({}) includes waking "
                    "its CPU (\"wait\": \"spin\" removes that)",
                    us(*x.split.user_overhead)));
  if (x.how.responder_wait == "block" && x.split.peer)
    missing.push_back(fmt::format(
        "the responder blocks: its processing time ({}) includes waking its CPU{}", us(*x.split.peer),
        x.how.responder_delay_ns
            ? fmt::format(" and the injected delay of {}", us(static_cast<double>(x.how.responder_delay_ns)))
            : std::string()));
  else if (x.how.responder_delay_ns && x.split.peer)
    missing.push_back(fmt::format("the responder's processing time ({}) includes the injected delay of {}",
                                  us(*x.split.peer), us(static_cast<double>(x.how.responder_delay_ns))));
  std::string note;
  for (const auto& m : missing) note += (note.empty() ? "" : "; ") + m;
  x.split.note = note;

  for (auto& [k, v] : hop_medians) {
    HopStat h;
    auto gt = k.find('>');
    h.from_event = gt == std::string::npos ? k : k.substr(0, gt);
    h.to_event = gt == std::string::npos ? "" : k.substr(gt + 1);
    h.count = hop_counts[k];
    h.median_ns = median_of(v);
    x.hops.push_back(h);
  }
  std::stable_sort(x.hops.begin(), x.hops.end(), [](const HopStat& a, const HopStat& b) {
    return std::make_tuple(hop_rank(a.from_event), a.from_event, hop_rank(a.to_event), a.to_event) <
           std::make_tuple(hop_rank(b.from_event), b.from_event, hop_rank(b.to_event), b.to_event);
  });

  for (const auto& [k, v] : counters) {
    if (v == 0) continue;
    CounterChange c{std::get<0>(k), std::get<1>(k), std::get<2>(k), v, counter_is_flagged(std::get<2>(k))};
    x.counters.push_back(c);
  }
  std::stable_sort(x.counters.begin(), x.counters.end(),
                   [](const CounterChange& a, const CounterChange& b) { return a.flagged > b.flagged; });
  for (const auto& k : capture_order) x.captures.push_back(captures[k]);
  for (const auto& [f, w] : stacks) x.stacks.push_back(Stack{f, w});
  std::stable_sort(x.stacks.begin(), x.stacks.end(),
                   [](const Stack& a, const Stack& b) { return a.weight > b.weight; });
  return Ok{};
}

// Sequential order runs every repetition of one experiment before the next:
// the i-th repetitions of two experiments did not run side by side.
bool runs_in_rounds(const store::RunRecord& run) {
  json s = json::parse(run.scenario_text, nullptr, false);
  return !(s.is_object() && s.contains("order") && s["order"] == "sequential");
}

// Between two runs: the run-to-run variance of each metric (p50, p99, loss),
// from the history, or why it is unknown.
struct CrossRun {
  std::array<std::optional<RunLevel>, 3> level;
  size_t runs = 0;  // history runs with this experiment taken the same way
};

void compare(ExperimentReport& x, const ExperimentReport& base, const std::optional<double>& min_effect,
             bool paired, const CrossRun* cross = nullptr) {
  double floor = min_effect.value_or(x.how.min_effect);
  x.vs_baseline.clear();
  size_t i = 0;
  for (Metric m : {Metric::p50, Metric::p99, Metric::loss}) {
    std::optional<RunLevel> level = cross ? cross->level[i] : std::nullopt;
    Comparison c = compare_experiments(x.reps, base.reps, m, floor, paired, level);
    if (cross && !level && c.verdict != Verdict::no_verdict) {
      // Two runs, and nothing says how much whole runs differ by themselves.
      c.verdict = Verdict::no_verdict;
      c.low = c.high = c.detectable = std::nullopt;
      c.reason =
          fmt::format("run-to-run variance unknown: {} other stored run{} taken the same way, {} needed",
                      cross->runs, cross->runs == 1 ? "" : "s", kMinHistoryRuns);
    }
    x.vs_baseline.push_back(std::move(c));
    ++i;
  }
  if (!x.user.p50 || !base.user.p50) return;
  x.delta_p50_ns = *x.user.p50 - *base.user.p50;
  if (const Comparison* c = x.verdict(Metric::p50); c && c->estimate) x.ratio_p50_pct = 100.0 * *c->estimate;
}

}  // namespace

// One stored repetition's statistics (rtt_user), for the run history.
Result<RepetitionStat> read_repetition(store::SqliteStore& st, const ExperimentRecord& e) {
  Quantiles q(kSplitExactLimit);
  RepetitionStat rs;
  rs.repetition = e.repetition;
  rs.position = e.position;
  uint64_t lost = 0;
  auto s = st.for_each_sample(e.id, [&](const SampleRecord& r) {
    if (r.warmup) return;
    ++rs.samples;
    if (r.status == SampleStatus::lost) ++lost;
    if (r.status == SampleStatus::ok && r.rtt_user) q.add(*r.rtt_user);
  });
  if (!s.ok()) return s.error();
  rs.loss_pct = rs.samples ? 100.0 * static_cast<double>(lost) / static_cast<double>(rs.samples) : 0;
  fill_repetition(q, rs);
  return rs;
}

namespace {

constexpr int64_t kHistoryRuns = 20;  // the latest runs of each scenario looked at

// The run-to-run variance of experiment `base` from the latest runs of the
// given scenarios (each its own group), without the candidate runs: only
// experiments of the same name and probe, taken the same way.
Result<CrossRun> cross_run_level(store::SqliteStore& st, const std::set<std::string>& scenarios,
                                 const std::set<int64_t>& exclude, const ExperimentReport& base) {
  std::array<std::vector<RunMean>, 3> means;
  CrossRun out;
  const std::string how = wait_label(base.how);
  for (const auto& sc : scenarios) {
    auto runs = st.runs(sc, kHistoryRuns);
    if (!runs.ok()) return runs.error();
    for (const auto& run : *runs) {
      if (exclude.count(run.id)) continue;
      auto exps = st.experiments(run.id);
      if (!exps.ok()) return exps.error();
      std::vector<RepetitionStat> reps;
      for (const auto& e : *exps) {
        if (e.name != base.name || e.probe != base.probe || e.status != "complete" ||
            wait_label(how_taken(e)) != how)
          continue;
        auto r = read_repetition(st, e);
        if (!r.ok()) return r.error();
        reps.push_back(*r);
      }
      if (reps.size() < 2) continue;
      ++out.runs;
      size_t i = 0;
      for (Metric m : {Metric::p50, Metric::p99, Metric::loss}) {
        if (auto rm = run_mean(reps, m, sc)) means[i].push_back(*rm);
        ++i;
      }
    }
  }
  for (size_t i = 0; i < 3; ++i) out.level[i] = run_level_variance(means[i]);
  return out;
}

}  // namespace

std::map<std::string, std::string> flatten_json(const std::string& json_text) {
  std::map<std::string, std::string> out;
  json j = json::parse(json_text, nullptr, false);
  if (j.is_discarded()) return out;
  flatten_into(j, "", out);
  return out;
}

std::vector<std::string> environment_differences(
    const std::vector<std::map<std::string, std::string>>& envs) {
  std::vector<std::string> diffs;
  if (envs.size() < 2) return diffs;
  std::set<std::string> keys;
  for (const auto& e : envs)
    for (const auto& [k, v] : e) keys.insert(k);
  for (const auto& k : keys) {
    std::optional<std::string> first;
    bool differ = false;
    for (size_t i = 0; i < envs.size(); ++i) {
      auto it = envs[i].find(k);
      std::string v = it == envs[i].end() ? std::string("\x01missing") : it->second;
      if (i == 0)
        first = v;
      else if (v != *first)
        differ = true;
    }
    if (differ) diffs.push_back(k);
  }
  return diffs;
}

bool counter_is_flagged(const std::string& name) {
  std::string n = name;
  std::transform(n.begin(), n.end(), n.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const char* w : {"drop", "squeeze", "err", "overflow", "fail"})
    if (n.find(w) != std::string::npos) return true;
  return false;
}

Result<Report> build_report(store::SqliteStore& st, const ReportRequest& req) {
  Report rep;
  // Which runs.
  std::vector<store::RunRecord> runs;
  if (!req.runs.empty()) {
    for (int64_t id : req.runs) {
      auto r = st.run(id);
      if (!r.ok()) return r.error();
      runs.push_back(std::move(*r));
    }
  } else {
    auto r = st.runs(req.scenario, req.last > 0 ? req.last : 1);
    if (!r.ok()) return Error(r.error()).exit(ExitCode::environment);
    runs = std::move(*r);
    if (runs.empty())
      return Error(req.scenario.empty()
                       ? std::string("the store has no runs (record one with `latlab run`)")
                       : fmt::format("the store has no run of scenario \"{}\"", req.scenario),
                   0, ExitCode::bad_input);
  }
  const bool several = runs.size() > 1;

  // Baseline kind.
  std::optional<int64_t> baseline_run;
  if (auto id = parse_int(req.baseline)) {
    for (const auto& r : runs)
      if (r.id == *id) baseline_run = *id;
  }
  if (several && req.baseline.empty()) baseline_run = runs.front().id;

  std::vector<GroupAcc> path_groups, node_groups;
  std::vector<std::map<std::string, std::string>> envs;
  std::map<int64_t, bool> in_rounds;  // run id -> its repetitions ran in rounds (not sequential)
  for (const auto& run : runs) {
    in_rounds[run.id] = runs_in_rounds(run);
    RunInfo info;
    info.id = run.id;
    info.scenario = run.scenario_name;
    info.status = run.status;
    info.started_ns = run.started_ns;
    info.ended_ns = run.ended_ns;
    info.latlab_version = run.latlab_version;
    info.environment = flatten_json(run.host_json);
    envs.push_back(info.environment);
    if (run.status != "complete")
      rep.warnings.push_back(
          fmt::format("run {} is {}{}{}", run.id, run.status, run.error.empty() ? "" : ": ", run.error));
    rep.runs.push_back(std::move(info));

    auto exps = st.experiments(run.id);
    if (!exps.ok()) return Error(exps.error()).exit(ExitCode::environment);
    for (const auto& name : declared_order(run, *exps)) {
      std::vector<const ExperimentRecord*> reps;
      for (const auto& e : *exps)
        if (e.name == name) reps.push_back(&e);
      std::stable_sort(reps.begin(), reps.end(),
                       [](auto* a, auto* b) { return a->repetition < b->repetition; });
      ExperimentReport x;
      const ExperimentRecord& e0 = *reps.front();
      x.run_id = run.id;
      x.name = name;
      x.label = several ? fmt::format("run {}: {}", run.id, name) : name;
      x.probe = e0.probe;
      x.path_kind = e0.path_kind;
      x.from_node = e0.from_node;
      x.from_kind = e0.from_kind;
      x.to_kind = e0.to_kind;
      x.target = e0.target;
      x.repetitions = static_cast<uint32_t>(reps.size());
      x.how = how_taken(e0);
      auto& pg = group_for(path_groups, x.path_kind.empty() ? "-" : x.path_kind);
      auto& ng = group_for(node_groups, node_kind_key(x.from_kind, e0.to_kind, x.path_kind));
      auto s = fill_experiment(st, reps, req.exact_limit, x, pg.h, ng.h);
      if (s.ok()) s = fill_load_and_pairs(st, reps, x);
      if (!s.ok()) return Error(s.error()).exit(ExitCode::environment);
      if (!x.user.percentiles_exact)
        rep.warnings.push_back(
            fmt::format("{}: more than {} RTTs; percentiles from the log histogram (< 0.05 % error)", x.label,
                        req.exact_limit));
      rep.experiments.push_back(std::move(x));
    }
  }
  rep.environment_differences = environment_differences(envs);
  // Idle vs under load inside one run, paired by round when the run ran in rounds.
  add_under_load(rep, runs.size() == 1 && in_rounds[runs.front().id]);

  // Baseline and comparisons.
  const ExperimentReport* base_row = nullptr;
  std::set<std::string> scenarios;  // the compared runs' scenarios: their histories
  std::set<int64_t> candidates;     // every compared run but the baseline run
  for (const auto& run : runs) {
    scenarios.insert(run.scenario_name);
    if (!baseline_run || run.id != *baseline_run) candidates.insert(run.id);
  }
  if (baseline_run) {
    rep.baseline = fmt::format("run {}", *baseline_run);
    for (auto& x : rep.experiments) {
      if (x.run_id == *baseline_run) continue;
      auto it = std::find_if(rep.experiments.begin(), rep.experiments.end(), [&](const ExperimentReport& b) {
        return b.run_id == *baseline_run && b.name == x.name;
      });
      if (it == rep.experiments.end()) continue;
      auto cross = cross_run_level(st, scenarios, candidates, *it);
      if (!cross.ok()) return Error(cross.error()).exit(ExitCode::environment);
      compare(x, *it, req.min_effect, false, &*cross);
    }
  } else {
    if (!req.baseline.empty()) {
      for (const auto& x : rep.experiments)
        if (x.label == req.baseline || x.name == req.baseline) {
          base_row = &x;
          break;
        }
      if (!base_row) {
        std::string known;
        for (const auto& x : rep.experiments) known += (known.empty() ? "" : ", ") + x.label;
        std::string runs_known;
        for (const auto& r : rep.runs) runs_known += (runs_known.empty() ? "" : ", ") + std::to_string(r.id);
        return Error(fmt::format("baseline \"{}\" is neither an experiment ({}) nor a compared run ({})",
                                 req.baseline, known, runs_known),
                     0, ExitCode::bad_input);
      }
    } else {
      for (const auto& x : rep.experiments)
        if (x.name == "localhost") {
          base_row = &x;
          break;
        }
      if (!base_row && !rep.experiments.empty()) base_row = &rep.experiments.front();
    }
    if (base_row) {
      rep.baseline = base_row->label;
      for (auto& x : rep.experiments) {
        if (&x == base_row) continue;
        if (x.run_id == base_row->run_id) {
          compare(x, *base_row, req.min_effect, in_rounds[x.run_id]);
          continue;
        }
        // A row of another run: judged against the run-to-run variance too.
        std::set<int64_t> others;
        for (const auto& run : runs)
          if (run.id != base_row->run_id) others.insert(run.id);
        auto cross = cross_run_level(st, scenarios, others, *base_row);
        if (!cross.ok()) return Error(cross.error()).exit(ExitCode::environment);
        compare(x, *base_row, req.min_effect, false, &*cross);
      }
    }
  }

  // Groups: the baseline's key first, then in order of appearance.
  auto make_groups = [&](std::vector<GroupAcc>& accs, auto key_of) {
    std::vector<GroupRow> rows;
    if (base_row) {
      std::string k = key_of(*base_row);
      auto it = std::find_if(accs.begin(), accs.end(), [&](const GroupAcc& g) { return g.key == k; });
      if (it != accs.end()) std::rotate(accs.begin(), it, it + 1);
    }
    for (auto& g : accs) {
      GroupRow r;
      r.key = g.key;
      r.samples = g.h.count();
      if (r.samples) {
        r.p50 = g.h.value_at_rank(nearest_rank(r.samples, 0.5));
        r.p99 = g.h.value_at_rank(nearest_rank(r.samples, 0.99));
      }
      if (!rows.empty() && rows.front().p50 && r.p50 && *rows.front().p50 > 0)
        r.ratio_to_first = 100.0 * *r.p50 / *rows.front().p50;
      rows.push_back(r);
    }
    return rows;
  };
  rep.groups["path kind"] = make_groups(
      path_groups, [](const ExperimentReport& x) { return x.path_kind.empty() ? "-" : x.path_kind; });
  rep.groups["node kind"] = make_groups(node_groups, [](const ExperimentReport& x) {
    return node_kind_key(x.from_kind, x.to_kind, x.path_kind);
  });
  return rep;
}

}  // namespace latlab::reports
