// latlab compare: two runs, experiments matched by name (also across
// scenarios: tuned vs default), a verdict per experiment and metric over
// repetitions (inference.h). Built from a Report of the two runs whose
// baseline is the first run; reads the store only through build_report.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "reports/build_report.h"
#include "reports/report_model.h"
#include "store/store.h"
#include "util/result.h"

namespace latlab::reports {

struct CompareRequest {
  int64_t baseline_run = 0;   // RUN_A
  int64_t candidate_run = 0;  // RUN_B: its experiments against their namesakes in RUN_A
  std::vector<Metric> metrics = {Metric::p50, Metric::p99, Metric::loss};
  std::optional<double> min_effect;  // unset: each candidate experiment's own (default 5 %)
};

struct CompareResult {
  Report report;  // the two runs; candidate rows carry vs_baseline
  std::vector<Metric> metrics;
  std::vector<size_t>
      compared;  // indices into report.experiments: candidate rows with a namesake in the baseline run
  std::vector<std::string> only_in_baseline, only_in_candidate;  // experiment names
  std::vector<std::string> warnings;  // wait modes, environment, scenarios that differ
  size_t worse = 0, better = 0, no_difference = 0, no_verdict = 0;
  // 0 when no worse difference is shown, 1 when one is.
  int exit_code() const { return worse > 0 ? 1 : 0; }
};

// Errors: bad_input (unknown run, the same run twice), environment (store).
Result<CompareResult> compare_runs(store::SqliteStore& store, const CompareRequest& req);

// "p50,p99" -> metrics; bad_input naming the unknown one.
Result<std::vector<Metric>> parse_metrics(const std::string& list);
// "5%" -> 0.05, range (0%, 100%]; bad_input otherwise. `what` names the option.
Result<double> parse_min_effect(const std::string& text, const std::string& what);

// Text and Markdown share reports/render.h's emitters; JSON for scripts.
std::string render_compare_text(const CompareResult& c, bool markdown);
nlohmann::ordered_json compare_to_json(const CompareResult& c);

}  // namespace latlab::reports
