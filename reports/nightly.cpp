#include "reports/nightly.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "reports/build_report.h"
#include "reports/render.h"

namespace latlab::reports {

using nlohmann::json;

namespace {

bool is_latency(Metric m) { return m != Metric::loss; }
double to_scale(double v, Metric m) { return is_latency(m) ? std::log(v) : v; }

std::string fnv1a(const std::string& text) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return fmt::format("fnv1a64:{:016x}", h);
}

struct Stats {
  size_t n = 0;
  double mean = 0, var = 0;
};
Stats stats(const std::vector<double>& x) {
  Stats s;
  s.n = x.size();
  if (x.empty()) return s;
  for (double v : x) s.mean += v;
  s.mean /= static_cast<double>(s.n);
  if (s.n > 1) {
    for (double v : x) s.var += (v - s.mean) * (v - s.mean);
    s.var /= static_cast<double>(s.n - 1);
  }
  return s;
}

bool same_identity(const NightIdentity& a, const NightIdentity& b) {
  return a.host_fingerprint == b.host_fingerprint && a.kernel == b.kernel &&
         a.latlab_version == b.latlab_version && a.measurement == b.measurement;
}

constexpr size_t kSpreadNights = 30;  // nights the variance between nights is taken from
constexpr size_t kConfirmNights = 3;  // nights at and after a change point that confirm it

bool worse_verdict(NightVerdict v) { return v == NightVerdict::suspected || v == NightVerdict::confirmed; }

}  // namespace

const char* night_verdict_name(NightVerdict v) {
  switch (v) {
    case NightVerdict::ok:
      return "ok";
    case NightVerdict::improved:
      return "improved";
    case NightVerdict::suspected:
      return "suspected";
    case NightVerdict::confirmed:
      return "confirmed";
    case NightVerdict::expected:
      return "expected";
    case NightVerdict::not_comparable:
      return "not comparable";
    case NightVerdict::no_baseline:
      return "no baseline";
    case NightVerdict::failed:
      return "failed";
  }
  return "?";
}

std::optional<NightVerdict> parse_night_verdict(const std::string& s) {
  for (auto v : {NightVerdict::ok, NightVerdict::improved, NightVerdict::suspected, NightVerdict::confirmed,
                 NightVerdict::expected, NightVerdict::not_comparable, NightVerdict::no_baseline,
                 NightVerdict::failed})
    if (s == night_verdict_name(v)) return v;
  return std::nullopt;
}

NightValue night_value(const std::vector<RepetitionStat>& reps, Metric m) {
  NightValue out;
  std::vector<double> t;
  for (const auto& r : reps) {
    auto v = metric_value(r, m);
    if (!v || (is_latency(m) && !(*v > 0))) continue;
    out.values.push_back(*v);
    t.push_back(to_scale(*v, m));
  }
  out.n = t.size();
  if (t.empty()) return out;
  Stats s = stats(t);
  out.mean = s.mean;
  auto e = estimate(reps, m);
  out.center = e.center;
  out.low = e.low;
  out.high = e.high;
  if (s.n >= 2) out.se2 = s.var / static_cast<double>(s.n);
  return out;
}

std::vector<std::string> identity_changes(const NightIdentity& from, const NightIdentity& to) {
  std::vector<std::string> out;
  if (from.host_fingerprint != to.host_fingerprint)
    out.push_back("host fingerprint " + from.host_fingerprint + " -> " + to.host_fingerprint);
  if (from.kernel != to.kernel) out.push_back("kernel " + from.kernel + " -> " + to.kernel);
  if (from.latlab_version != to.latlab_version)
    out.push_back("latlab " + from.latlab_version + " -> " + to.latlab_version);
  if (from.measurement != to.measurement) {
    json a = json::parse(from.measurement_json, nullptr, false),
         b = json::parse(to.measurement_json, nullptr, false);
    std::vector<std::string> keys;
    if (a.is_object() && b.is_object()) {
      std::set<std::string> all;
      for (auto it = a.begin(); it != a.end(); ++it) all.insert(it.key());
      for (auto it = b.begin(); it != b.end(); ++it) all.insert(it.key());
      for (const auto& k : all) {
        std::string va = a.contains(k) ? a[k].dump() : "(none)", vb = b.contains(k) ? b[k].dump() : "(none)";
        if (va != vb) keys.push_back(k + " " + va + " -> " + vb);
      }
    }
    std::string what = "the measurement";
    for (size_t i = 0; i < keys.size(); ++i) what += (i ? ", " : ": ") + keys[i];
    out.push_back(what);
  }
  return out;
}

GateDecision decide(const NightPoint& tonight, const std::vector<NightPoint>& before,
                    const GateOptions& opt) {
  GateDecision d;
  const Metric m = opt.metric;
  d.floor = is_latency(m) ? opt.min_effect : kLossFloorPp;
  const NightValue& v = tonight.value;
  if (v.n < kMinRepetitions || !v.mean) {
    d.verdict = NightVerdict::failed;
    d.reason = fmt::format("tonight has {} repetition{} with a value; a verdict needs {}", v.n,
                           v.n == 1 ? "" : "s", kMinRepetitions);
    return d;
  }
  // The epoch: nights since the last note before tonight (tonight's own note
  // does not hide the nights it is compared with).
  size_t start = 0;
  int64_t epoch_night = 0;
  for (size_t i = 0; i < before.size(); ++i)
    if (!before[i].note.empty()) {
      start = i;
      epoch_night = before[i].night;
    }
  // A night that alarmed is left out of later baselines, unless it alarmed
  // against nights before the epoch began (the noted change itself).
  auto alarmed = [&](const NightPoint& p) {
    return worse_verdict(p.verdict) && (p.baseline.empty() || p.baseline.front() >= epoch_night);
  };
  std::vector<const NightPoint*> candidates;
  if (opt.named_baseline) {
    for (const auto& p : before)
      if (std::find(opt.named_baseline->begin(), opt.named_baseline->end(), p.night) !=
          opt.named_baseline->end())
        candidates.push_back(&p);
  } else {
    for (size_t i = start; i < before.size(); ++i) candidates.push_back(&before[i]);
  }
  // Comparable nights (the same machine, software and measurement).
  std::vector<const NightPoint*> comparable;
  const NightPoint* changed = nullptr;
  for (const auto* p : candidates) {
    if (same_identity(p->identity, tonight.identity))
      comparable.push_back(p);
    else
      changed = p;
  }
  // The baseline (its mean is tonight's reference): the last good nights, or
  // the named ones. The spread (how much nights vary): the good comparable
  // nights of the epoch, up to kSpreadNights — more nights than the
  // baseline's few give the variance the degrees of freedom a 99 % interval
  // needs, while the baseline mean follows the recent nights.
  std::vector<const NightPoint*> base, spread;
  for (auto it = comparable.rbegin(); it != comparable.rend(); ++it) {
    const NightPoint* p = *it;
    if (!p->value.mean || p->value.n < kMinRepetitions) continue;
    if (!opt.named_baseline && alarmed(*p)) continue;
    if (opt.named_baseline || base.size() < opt.baseline_nights) base.push_back(p);
    if (opt.named_baseline || spread.size() < kSpreadNights) spread.push_back(p);
  }
  std::reverse(base.begin(), base.end());
  for (const auto* p : base) d.baseline.push_back(p->night);
  if (opt.named_baseline && changed) {
    d.verdict = NightVerdict::not_comparable;
    auto ch = identity_changes(changed->identity, tonight.identity);
    d.reason = fmt::format("baseline night {} differs: {}", changed->night, fmt::join(ch, "; "));
    return d;
  }
  if (base.size() < kMinBaselineNights) {
    if (changed) {
      d.verdict = NightVerdict::not_comparable;
      auto ch = identity_changes(changed->identity, tonight.identity);
      d.reason =
          fmt::format("since night {}: {}; {} comparable night{} so far, a verdict needs {}", changed->night,
                      fmt::join(ch, "; "), base.size(), base.size() == 1 ? "" : "s", kMinBaselineNights);
    } else {
      d.verdict = NightVerdict::no_baseline;
      d.reason = fmt::format("{} comparable night{} so far, a verdict needs {}", base.size(),
                             base.size() == 1 ? "" : "s", kMinBaselineNights);
    }
    if (!tonight.note.empty()) d.reason += "; note: " + tonight.note;
    return d;
  }
  // Tonight against the baseline nights, as a prediction: is tonight's value
  // one the baseline nights' distribution gives? Under no change tonight's
  // value varies as a baseline night's does (the nights' own variance plus
  // their repetitions'), so var = b.var (1 + 1/nb) with nb - 1 degrees of
  // freedom, exact for normal nights. A night noisier than the baseline's
  // (its repetitions' variance larger) widens the interval, never narrows it.
  std::vector<double> means, spread_means;
  for (const auto* p : base) means.push_back(*p->value.mean);
  double mean_se2 = 0;
  for (const auto* p : spread) {
    spread_means.push_back(*p->value.mean);
    mean_se2 += p->value.se2.value_or(0);
  }
  mean_se2 /= static_cast<double>(spread.size());
  const Stats b = stats(means), sp = stats(spread_means);
  const double nb = static_cast<double>(b.n);
  const double night_var = std::max(0.0, sp.var - mean_se2);
  const double v_tonight = std::max(sp.var, night_var + v.se2.value_or(0));
  const double var = v_tonight + sp.var / nb;
  const double diff = *v.mean - b.mean;
  const double df = static_cast<double>(sp.n) - 1;
  double t = student_t_quantile(0.5 + opt.level / 2, std::max(df, 1.0));
  double half = t * std::sqrt(var);
  auto back = [&](double x) { return is_latency(m) ? std::exp(x) : x; };
  d.estimate = back(diff);
  d.low = back(diff - half);
  d.high = back(diff + half);
  double size_floor = is_latency(m) ? std::log1p(d.floor) : d.floor;
  if (diff - half > 0 && diff > size_floor)
    d.verdict = NightVerdict::suspected;
  else if (diff + half < 0 && -diff > size_floor)
    d.verdict = NightVerdict::improved;
  else
    d.verdict = NightVerdict::ok;
  if (d.verdict == NightVerdict::suspected) {
    // Does the shift persist? Change points over the comparable nights of the
    // epoch (all of them, suspected ones too) and tonight.
    std::vector<const NightPoint*> series;
    for (size_t i = start; i < before.size(); ++i)
      if (same_identity(before[i].identity, tonight.identity) && before[i].value.mean)
        series.push_back(&before[i]);
    series.push_back(&tonight);
    std::vector<double> z;
    for (const auto* p : series) z.push_back(*p->value.mean);
    ChangePointOptions cp = opt.change;
    cp.log_scale = is_latency(m);
    if (!(cp.min_magnitude > 0)) cp.min_magnitude = d.floor;
    auto points = change_points(z, cp);
    if (!points.empty()) {
      const ChangePoint& last = points.back();
      bool persists = last.n_after >= kConfirmNights && last.index + last.n_after == z.size();
      bool same_way = last.mean_after > last.mean_before;
      if (persists && same_way) {
        d.verdict = NightVerdict::confirmed;
        d.change = last;
        d.change_night = series[last.index]->night;
      }
    }
  }
  if (!tonight.note.empty()) {
    d.verdict = NightVerdict::expected;
    d.reason = "note: " + tonight.note;
  }
  return d;
}

// ------------------------------------------------------------ the store side

namespace {

const char* kMeasurementKeys[] = {
    "probe",          "from",  "to",           "family",       "interval_ns", "payload",
    "warmup",         "count", "duration_ns",  "timeout_ns",   "responder",   "wait",
    "responder_wait", "cpu",   "qdisc_bypass", "busy_poll_us", "agent"};

// How the experiment is measured (its identity for nights) and what is
// measured (the system under test: a change there is what a gate is for).
void measurement_of(const store::ExperimentRecord& e, const std::string& scenario_hash, json& measurement,
                    json& system) {
  json p = json::parse(e.params_json, nullptr, false);
  if (!p.is_object()) p = json::object();
  measurement = json::object();
  for (const char* k : kMeasurementKeys)
    if (p.contains(k)) measurement[k] = p[k];
  measurement["path_kind"] = e.path_kind;
  measurement["from_kind"] = e.from_kind;
  measurement["to_kind"] = e.to_kind;
  system = json::object();
  system["scenario_hash"] = scenario_hash;
  system["responder_delay_ns"] = p.value("responder_delay_ns", 0);
  system["sysctls"] = p.contains("sysctls") ? p["sysctls"] : json::object();
}

json values_json(const std::vector<double>& v) { return json(v); }

NightValue value_of(const store::NightMetricRecord& r) {
  NightValue v;
  v.n = static_cast<size_t>(r.n);
  v.mean = r.mean;
  v.se2 = r.se2;
  v.center = r.center;
  v.low = r.low;
  v.high = r.high;
  json a = json::parse(r.values_json, nullptr, false);
  if (a.is_array())
    for (const auto& x : a)
      if (x.is_number()) v.values.push_back(x.get<double>());
  return v;
}

NightIdentity identity_of(const store::NightRecord& n, const store::NightMetricRecord& r) {
  return NightIdentity{n.host_fingerprint, n.kernel, n.latlab_version, r.measurement, r.measurement_json};
}

std::vector<std::string> system_changes(const std::string& from, const std::string& to) {
  std::vector<std::string> out;
  json a = json::parse(from, nullptr, false), b = json::parse(to, nullptr, false);
  if (!a.is_object() || !b.is_object()) return out;
  for (auto it = b.begin(); it != b.end(); ++it) {
    json prev = a.contains(it.key()) ? a[it.key()] : json();
    if (prev == it.value()) continue;
    if (it.key() == "scenario_hash")
      out.push_back("the scenario file changed");
    else
      out.push_back(it.key() + " " + (prev.is_null() ? "(none)" : prev.dump()) + " -> " + it.value().dump());
  }
  return out;
}

Result<std::map<int64_t, store::NightRecord>> nights_by_id(store::NightStore& ns, const std::string& suite) {
  auto all = ns.nights(suite);
  if (!all.ok()) return all.error();
  std::map<int64_t, store::NightRecord> out;
  for (auto& n : *all) out.emplace(n.id, std::move(n));
  return out;
}

std::vector<NightPoint> points_of(const std::vector<store::NightMetricRecord>& hist,
                                  const std::map<int64_t, store::NightRecord>& nights) {
  std::vector<NightPoint> out;
  for (const auto& r : hist) {
    auto it = nights.find(r.night_id);
    if (it == nights.end()) continue;
    NightPoint p;
    p.night = r.night_id;
    p.identity = identity_of(it->second, r);
    p.note = it->second.note;
    p.value = value_of(r);
    p.verdict = parse_night_verdict(r.verdict).value_or(NightVerdict::failed);
    json b = json::parse(r.baseline_json, nullptr, false);
    if (b.is_array())
      for (const auto& x : b)
        if (x.is_number_integer()) p.baseline.push_back(x.get<int64_t>());
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

HostIdentity host_identity(const json& machine) {
  HostIdentity h;
  h.parts = json::object();
  for (const char* k : {"hostname", "machine_id", "machine", "cpu_model", "cpus_online", "memory_bytes",
                        "clocksource", "cpu_governor"})
    if (machine.contains(k)) h.parts[k] = machine[k];
  h.fingerprint = fnv1a(h.parts.dump());
  h.kernel = machine.value("kernel", std::string()) + " " + machine.value("kernel_version", std::string());
  while (!h.kernel.empty() && h.kernel.back() == ' ') h.kernel.pop_back();
  return h;
}

int NightReport::exit_code() const {
  auto count = [&](NightVerdict v) {
    auto it = counts.find(night_verdict_name(v));
    return it == counts.end() ? size_t{0} : it->second;
  };
  if (count(NightVerdict::confirmed) > 0) return 1;
  if (!problems.empty() || night.status == "incomplete" || night.status == "aborted") return 3;
  if (count(NightVerdict::suspected) > 0) return 4;
  return 0;
}

Result<NightReport> evaluate_night(store::SqliteStore& st, const NightPlan& plan, int64_t night_id) {
  store::NightStore ns(st);
  auto nights = nights_by_id(ns, plan.suite);
  if (!nights.ok()) return nights.error();
  auto tonight_it = nights->find(night_id);
  if (tonight_it == nights->end())
    return Error(fmt::format("night {} of suite \"{}\" is not in the store", night_id, plan.suite), 0,
                 ExitCode::bad_input);
  const store::NightRecord& tonight = tonight_it->second;
  std::optional<std::vector<int64_t>> named;
  if (!plan.baseline_name.empty()) {
    auto b = ns.baseline(plan.baseline_name);
    if (!b.ok()) return b.error();
    if (!*b)
      return Error(fmt::format("baseline \"{}\" is not set; set it with `latlab baseline set {} --suite {}`",
                               plan.baseline_name, plan.baseline_name, plan.suite),
                   0, ExitCode::bad_input);
    named = (*b)->nights;
  }
  auto runs = ns.night_runs(night_id);
  if (!runs.ok()) return runs.error();
  std::map<std::string, store::NightRunRecord> run_of;
  for (const auto& r : *runs) run_of[r.scenario] = r;
  for (const auto& gate : plan.gates) {
    auto rit = run_of.find(gate.scenario);
    std::vector<store::ExperimentRecord> exps;
    std::string scenario_hash, failure;
    if (rit == run_of.end() || !rit->second.run_id) {
      failure = rit == run_of.end() ? "the scenario did not run" : "the run failed: " + rit->second.error;
    } else {
      auto run = st.run(*rit->second.run_id);
      if (!run.ok()) return run.error();
      scenario_hash = run->scenario_hash;
      auto all = st.experiments(run->id);
      if (!all.ok()) return all.error();
      for (const auto& e : *all)
        if (e.name == gate.experiment && e.status == "complete") exps.push_back(e);
      if (exps.empty())
        failure = "no repetition of the experiment completed" +
                  (run->error.empty() ? std::string() : ": " + run->error);
    }
    std::vector<RepetitionStat> reps;
    for (const auto& e : exps) {
      auto r = read_repetition(st, e);
      if (!r.ok()) return r.error();
      reps.push_back(*r);
    }
    json measurement = json::object(), system = json::object();
    if (!exps.empty()) {
      measurement_of(exps.front(), scenario_hash, measurement, system);
      HowTaken how = how_taken(exps.front());
      how.responder_delay_ns = 0;  // the delay is the system under test's, not the measurement's
      measurement["how"] = wait_label(how);
    }
    for (Metric m : gate.metrics) {
      store::NightMetricRecord rec;
      rec.night_id = night_id;
      rec.scenario = gate.scenario;
      rec.experiment = gate.experiment;
      rec.metric = metric_name(m);
      rec.measurement_json = measurement.dump();
      rec.measurement = fnv1a(rec.measurement_json);
      rec.system_json = system.dump();
      NightPoint p;
      p.night = night_id;
      p.value = night_value(reps, m);
      p.identity = identity_of(tonight, rec);
      p.note = tonight.note;
      auto hist = ns.history(plan.suite, gate.scenario, gate.experiment, rec.metric);
      if (!hist.ok()) return hist.error();
      std::vector<store::NightMetricRecord> earlier;
      for (auto& h : *hist)
        if (h.night_id < night_id) earlier.push_back(std::move(h));
      GateOptions opt;
      opt.metric = m;
      opt.min_effect = gate.min_effect;
      opt.level = plan.level;
      opt.baseline_nights = plan.baseline_nights;
      opt.named_baseline = named;
      opt.change = plan.change;
      if (!plan.change_min_magnitude_set) opt.change.min_magnitude = 0;
      GateDecision d;
      if (!failure.empty()) {
        d.verdict = NightVerdict::failed;
        d.reason = failure;
        d.floor = m == Metric::loss ? kLossFloorPp : gate.min_effect;
      } else {
        d = decide(p, points_of(earlier, *nights), opt);
      }
      rec.n = static_cast<int64_t>(p.value.n);
      rec.mean = p.value.mean;
      rec.se2 = p.value.se2;
      rec.center = p.value.center;
      rec.low = p.value.low;
      rec.high = p.value.high;
      rec.values_json = values_json(p.value.values).dump();
      rec.verdict = night_verdict_name(d.verdict);
      rec.estimate = d.estimate;
      rec.estimate_low = d.low;
      rec.estimate_high = d.high;
      rec.floor = d.floor;
      rec.baseline_json = json(d.baseline).dump();
      if (d.change)
        rec.change_json = json{{"night", d.change_night},
                               {"index", d.change->index},
                               {"pvalue", d.change->pvalue},
                               {"magnitude", d.change->magnitude},
                               {"mean_before", d.change->mean_before},
                               {"mean_after", d.change->mean_after},
                               {"n_before", d.change->n_before},
                               {"n_after", d.change->n_after}}
                              .dump();
      rec.reason = d.reason;
      LATLAB_TRY(ns.put_metric(rec));
    }
  }
  return load_night(st, night_id);
}

Result<NightReport> load_night(store::SqliteStore& st, int64_t night_id) {
  store::NightStore ns(st);
  auto night = ns.night(night_id);
  if (!night.ok()) return night.error();
  if (!*night) return Error(fmt::format("night {} is not in the store", night_id), 0, ExitCode::bad_input);
  NightReport r;
  r.night = **night;
  auto runs = ns.night_runs(night_id);
  if (!runs.ok()) return runs.error();
  r.runs = *runs;
  for (const auto& run : r.runs)
    if (!run.error.empty() || (run.status != "complete"))
      r.problems.push_back(fmt::format("scenario \"{}\": {}{}", run.scenario, run.status,
                                       run.error.empty() ? "" : ": " + run.error));
  auto metrics = ns.metrics_of(night_id);
  if (!metrics.ok()) return metrics.error();
  for (const auto& m : *metrics) {
    NightRow row;
    row.scenario = m.scenario;
    row.experiment = m.experiment;
    row.metric = parse_metric(m.metric).value_or(Metric::p50);
    json mj = json::parse(m.measurement_json, nullptr, false);
    if (mj.is_object()) row.how = mj.value("probe", "") + " " + mj.value("how", "");
    row.value = value_of(m);
    auto& d = row.decision;
    d.verdict = parse_night_verdict(m.verdict).value_or(NightVerdict::failed);
    d.estimate = m.estimate;
    d.low = m.estimate_low;
    d.high = m.estimate_high;
    d.floor = m.floor.value_or(0);
    json bj = json::parse(m.baseline_json, nullptr, false);
    if (bj.is_array())
      for (const auto& x : bj) d.baseline.push_back(x.get<int64_t>());
    json cj = json::parse(m.change_json, nullptr, false);
    if (cj.is_object()) {
      ChangePoint c;
      c.index = cj.value("index", size_t{0});
      c.pvalue = cj.value("pvalue", 1.0);
      c.magnitude = cj.value("magnitude", 0.0);
      c.mean_before = cj.value("mean_before", 0.0);
      c.mean_after = cj.value("mean_after", 0.0);
      c.n_before = cj.value("n_before", size_t{0});
      c.n_after = cj.value("n_after", size_t{0});
      d.change = c;
      d.change_night = cj.value("night", int64_t{0});
    }
    d.reason = m.reason;
    auto hist = ns.history(r.night.suite, m.scenario, m.experiment, m.metric);
    if (!hist.ok()) return hist.error();
    const store::NightMetricRecord* prev = nullptr;
    for (const auto& h : *hist)
      if (h.night_id < night_id) prev = &h;
    if (prev) row.system_changes = system_changes(prev->system_json, m.system_json);
    ++r.counts[night_verdict_name(d.verdict)];
    r.rows.push_back(std::move(row));
  }
  return r;
}

Result<std::vector<NightPoint>> metric_history(store::SqliteStore& st, const std::string& suite,
                                               const std::string& scenario, const std::string& experiment,
                                               Metric m) {
  store::NightStore ns(st);
  auto nights = nights_by_id(ns, suite);
  if (!nights.ok()) return nights.error();
  auto hist = ns.history(suite, scenario, experiment, metric_name(m));
  if (!hist.ok()) return hist.error();
  return points_of(*hist, *nights);
}

}  // namespace latlab::reports
