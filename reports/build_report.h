// Builds the report model (report_model.h) from the store: reads runs,
// experiments, samples (streamed once per experiment, bounded memory),
// captures, counters and stacks. Never touches the kernel.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "reports/report_model.h"
#include "reports/stats.h"
#include "store/store.h"
#include "util/result.h"

namespace latlab::reports {

struct ReportRequest {
  std::vector<int64_t> runs;  // explicit run ids, in this order
  int64_t last = 0;           // else the last N runs (of `scenario` when set); 0 = the last one
  std::string scenario;       // restrict to runs of this scenario
  // The baseline: an experiment name ("localhost"), a row label ("run 3: peer"),
  // or a run id among the compared ones (each experiment is then compared with
  // the same-named experiment of that run). Empty: "localhost" when present,
  // else the first row; with several runs, the first run.
  std::string baseline;
  size_t exact_limit = Quantiles::kDefaultExactLimit;  // values kept per series for exact percentiles
  // The floor of a verdict (relative, 0.05 = 5 %); unset: each candidate
  // experiment's own "min_effect" (default 5 %).
  std::optional<double> min_effect;
};

// Errors carry exit codes: bad_input (unknown run, baseline, no runs),
// environment (the store cannot be read).
Result<Report> build_report(store::SqliteStore& store, const ReportRequest& req);

// One stored repetition's statistics (rtt_user, warm-up excluded).
Result<RepetitionStat> read_repetition(store::SqliteStore& st, const store::ExperimentRecord& e);
// How an experiment was taken, from its params_json.
HowTaken how_taken(const store::ExperimentRecord& e);

// host_json flattened: {"machine":{"kernel":"6.1"}} -> "machine.kernel" = "6.1";
// arrays as key[i]; strings unquoted, other scalars as JSON text.
std::map<std::string, std::string> flatten_json(const std::string& json_text);

// Keys whose values differ (or are missing) between the given environments.
std::vector<std::string> environment_differences(const std::vector<std::map<std::string, std::string>>& envs);

// Counter names worth a flag: drops, squeezes, errors, overflows, failures.
bool counter_is_flagged(const std::string& name);

}  // namespace latlab::reports
