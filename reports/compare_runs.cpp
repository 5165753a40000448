#include "reports/compare_runs.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "reports/render.h"

namespace latlab::reports {

using nlohmann::ordered_json;

Result<std::vector<Metric>> parse_metrics(const std::string& list) {
  std::vector<Metric> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    std::string name = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    auto m = parse_metric(name);
    if (!m)
      return Error(
          fmt::format("--metric \"{}\": metric \"{}\" is not supported; supported metrics are p50, p99, loss",
                      list, name),
          0, ExitCode::bad_input);
    if (std::find(out.begin(), out.end(), *m) == out.end()) out.push_back(*m);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

Result<double> parse_min_effect(const std::string& text, const std::string& what) {
  auto bad = [&](const std::string& why) {
    return Error(fmt::format("{} \"{}\": {}", what, text, why), 0, ExitCode::bad_input);
  };
  if (text.empty() || text.back() != '%') return bad("write a percentage, e.g. 5%");
  double v = 0;
  const char* end = text.data() + text.size() - 1;
  auto [p, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || p != end || !std::isfinite(v)) return bad("write a percentage, e.g. 5%");
  if (v <= 0 || v > 100) return bad("must be more than 0% and at most 100%");
  return v / 100;
}

Result<CompareResult> compare_runs(store::SqliteStore& st, const CompareRequest& req) {
  if (req.baseline_run == req.candidate_run)
    return Error(fmt::format("run {} compared with itself: give two different runs", req.baseline_run), 0,
                 ExitCode::bad_input);
  ReportRequest rr;
  rr.runs = {req.baseline_run, req.candidate_run};
  rr.baseline = std::to_string(req.baseline_run);
  rr.min_effect = req.min_effect;
  auto rep = build_report(st, rr);
  if (!rep.ok()) return rep.error();
  CompareResult c;
  c.report = std::move(*rep);
  c.metrics = req.metrics;
  const auto& xs = c.report.experiments;
  auto find = [&](int64_t run, const std::string& name) {
    return std::find_if(xs.begin(), xs.end(),
                        [&](const ExperimentReport& x) { return x.run_id == run && x.name == name; });
  };
  for (size_t i = 0; i < xs.size(); ++i) {
    const ExperimentReport& x = xs[i];
    if (x.run_id == req.baseline_run) {
      if (find(req.candidate_run, x.name) == xs.end()) c.only_in_baseline.push_back(x.name);
      continue;
    }
    auto base = find(req.baseline_run, x.name);
    if (base == xs.end()) {
      c.only_in_candidate.push_back(x.name);
      continue;
    }
    c.compared.push_back(i);
    if (wait_label(x.how) != wait_label(base->how))
      c.warnings.push_back(fmt::format("{}: taken differently: wait {} in run {}, {} in run {}", x.name,
                                       wait_label(base->how), req.baseline_run, wait_label(x.how),
                                       req.candidate_run));
    if (x.probe != base->probe)
      c.warnings.push_back(fmt::format("{}: probe {} in run {}, {} in run {}", x.name, base->probe,
                                       req.baseline_run, x.probe, req.candidate_run));
    for (const auto& cmp : x.vs_baseline) {
      if (std::find(c.metrics.begin(), c.metrics.end(), cmp.metric) == c.metrics.end()) continue;
      switch (cmp.verdict) {
        case Verdict::worse:
          ++c.worse;
          break;
        case Verdict::better:
          ++c.better;
          break;
        case Verdict::no_difference:
          ++c.no_difference;
          break;
        case Verdict::no_verdict:
          ++c.no_verdict;
          break;
      }
    }
  }
  if (c.compared.empty())
    c.warnings.push_back(
        fmt::format("runs {} and {} have no experiment name in common", req.baseline_run, req.candidate_run));
  const auto& runs = c.report.runs;
  if (runs.size() == 2 && runs[0].scenario != runs[1].scenario)
    c.warnings.push_back(
        fmt::format("different scenarios: \"{}\" (run {}) and \"{}\" (run {}); experiments matched by "
                    "name",
                    runs[0].scenario, runs[0].id, runs[1].scenario, runs[1].id));
  if (!c.report.environment_differences.empty()) {
    std::string keys;
    size_t shown = 0;
    for (const auto& k : c.report.environment_differences) {
      if (shown++ == 6) {
        keys += fmt::format(", ... ({} in all; --format json lists them)",
                            c.report.environment_differences.size());
        break;
      }
      keys += (keys.empty() ? "" : ", ") + k;
    }
    c.warnings.push_back("the environment differs: " + keys);
  }
  for (const auto& w : c.report.warnings) c.warnings.push_back(w);
  return c;
}

std::string render_compare_text(const CompareResult& c, bool markdown) {
  std::string out;
  auto e = make_emitter(markdown, out);
  const auto& runs = c.report.runs;
  e->title(fmt::format("latlab compare: run {} against run {} (baseline)", runs.size() > 1 ? runs[1].id : 0,
                       runs.empty() ? 0 : runs[0].id));
  for (const auto& run : runs)
    e->paragraph(fmt::format("run {}: scenario \"{}\", {}, latlab {}", run.id, run.scenario, run.status,
                             run.latlab_version.empty() ? "?" : run.latlab_version));
  std::vector<const ExperimentReport*> rows;
  for (size_t i : c.compared) rows.push_back(&c.report.experiments[i]);
  if (!rows.empty()) e->table(comparisons_table(rows, "Verdicts, over repetitions", c.metrics));
  if (!c.only_in_baseline.empty() || !c.only_in_candidate.empty()) {
    std::string s;
    auto list = [](const std::vector<std::string>& v) {
      std::string l;
      for (const auto& n : v) l += (l.empty() ? "" : ", ") + n;
      return l;
    };
    if (!c.only_in_baseline.empty())
      s += fmt::format("only in run {}: {}. ", runs[0].id, list(c.only_in_baseline));
    if (!c.only_in_candidate.empty())
      s += fmt::format("only in run {}: {}.", runs[1].id, list(c.only_in_candidate));
    e->paragraph("not compared: " + s);
  }
  e->paragraph(fmt::format("result: {} worse, {} better, {} no difference shown, {} no verdict.", c.worse,
                           c.better, c.no_difference, c.no_verdict));
  for (const auto& w : c.warnings) e->paragraph("warning: " + w);
  return out;
}

ordered_json compare_to_json(const CompareResult& c) {
  ordered_json j;
  j["format"] = "latlab-compare";
  j["version"] = 1;
  const auto& runs = c.report.runs;
  j["baseline_run"] = runs.empty() ? 0 : runs[0].id;
  j["candidate_run"] = runs.size() > 1 ? runs[1].id : 0;
  j["metrics"] = ordered_json::array();
  for (Metric m : c.metrics) j["metrics"].push_back(metric_name(m));
  j["comparisons"] = ordered_json::array();
  for (size_t i : c.compared) {
    const ExperimentReport& x = c.report.experiments[i];
    for (const auto& cmp : x.vs_baseline) {
      if (std::find(c.metrics.begin(), c.metrics.end(), cmp.metric) == c.metrics.end()) continue;
      ordered_json o{{"experiment", x.name}, {"how", how_json(x.how)}};
      const ordered_json cj = comparison_json(cmp);  // named: items() must not outlive a temporary
      for (const auto& [k, v] : cj.items()) o[k] = v;
      j["comparisons"].push_back(std::move(o));
    }
  }
  j["only_in_baseline"] = c.only_in_baseline;
  j["only_in_candidate"] = c.only_in_candidate;
  ordered_json env = ordered_json::object();
  for (const auto& k : c.report.environment_differences) {
    ordered_json vals = ordered_json::array();
    for (const auto& run : runs) {
      auto it = run.environment.find(k);
      vals.push_back(it == run.environment.end() ? ordered_json(nullptr) : ordered_json(it->second));
    }
    env[k] = vals;
  }
  j["environment_differences"] = env;
  j["summary"] = ordered_json{{"worse", c.worse},
                              {"better", c.better},
                              {"no_difference", c.no_difference},
                              {"no_verdict", c.no_verdict}};
  j["warnings"] = c.warnings;
  return j;
}

}  // namespace latlab::reports
