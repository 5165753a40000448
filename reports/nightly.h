// Nightly verdicts: tonight's value of a gated metric against its baseline
// nights, and change points over the nights. Every night is one value per
// metric, computed over the night's repetitions (inference.h): the log of the
// repetitions' geometric mean for p50 / p99, the mean loss in percent.
//
// A verdict, in order of the checks (docs/nightly.md says the same):
//  - failed:         the night has fewer than 3 repetitions with a value;
//  - not comparable: the host fingerprint, kernel, latlab version or the way
//                    the experiment is measured (probe, endpoints, schedule,
//                    wait modes) differs from the baseline nights, and fewer
//                    than 3 nights are comparable with tonight; says what
//                    changed;
//  - no baseline:    fewer than 3 comparable nights so far;
//  - suspected:      tonight differs: the `level` (99 %) interval of tonight
//                    against the baseline excludes no change, and the
//                    estimate exceeds the floor (min_effect, or 0.5
//                    percentage points of loss). The interval is a
//                    prediction interval: tonight's value against the
//                    baseline nights' mean, with the variance between
//                    nights (from up to 30 good comparable nights of the
//                    epoch, their count less one the degrees of freedom)
//                    once for tonight and once over N for the mean; a
//                    night noisier within than the nights are between
//                    widens it;
//  - confirmed:      suspected, and change-point detection over the
//                    comparable nights (change_points.h) puts a change point
//                    at or before tonight with at least 3 nights after it
//                    (the shift persists), in the same direction, larger
//                    than the minimum magnitude;
//  - expected:       tonight carries a note (an expected change); the
//                    figures are given, nothing alarms;
//  - improved:       as suspected, the other way; ok: none of these.
// Nights after a noted night never use the nights before it as a baseline.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "reports/change_points.h"
#include "reports/inference.h"
#include "store/night_store.h"
#include "store/store.h"
#include "util/result.h"

namespace latlab::reports {

inline constexpr size_t kMinBaselineNights = 3;  // comparable nights a verdict needs

enum class NightVerdict { ok, improved, suspected, confirmed, expected, not_comparable, no_baseline, failed };
// "ok", "improved", "suspected", "confirmed", "expected", "not comparable", "no baseline", "failed"
const char* night_verdict_name(NightVerdict v);
std::optional<NightVerdict> parse_night_verdict(const std::string& s);

// One night's value of one metric, over its repetitions.
struct NightValue {
  size_t n = 0;
  std::optional<double> mean, se2;          // comparison scale (log ns for latency, % for loss)
  std::optional<double> center, low, high;  // ns or %: geometric mean (latency) or mean (loss), 95 %
  std::vector<double> values;               // the repetitions' values (ns or %)
};
NightValue night_value(const std::vector<RepetitionStat>& reps, Metric m);

// What must be equal for two nights to be compared.
struct NightIdentity {
  std::string host_fingerprint, kernel, latlab_version, measurement;
  std::string measurement_json;  // for saying what changed
};
// "kernel 6.1.0-1 -> 6.1.0-2", ... empty when equal.
std::vector<std::string> identity_changes(const NightIdentity& from, const NightIdentity& to);

struct NightPoint {
  int64_t night = 0;
  NightIdentity identity;
  std::string note;  // non-empty: an expected change starts this night
  NightValue value;
  NightVerdict verdict = NightVerdict::ok;  // as decided that night
  std::vector<int64_t> baseline;            // the nights it was compared with
};

struct GateOptions {
  Metric metric = Metric::p50;
  double min_effect = kDefaultMinEffect;
  double level = 0.99;
  size_t baseline_nights = 7;
  std::optional<std::vector<int64_t>> named_baseline;  // its nights; unset: the last good nights
  ChangePointOptions change;                           // min_magnitude 0: the floor
};

struct GateDecision {
  NightVerdict verdict = NightVerdict::no_baseline;
  std::optional<double> estimate, low, high;  // ratio (latency) or difference in points (loss)
  double floor = 0;
  std::vector<int64_t> baseline;  // the nights compared with
  std::optional<ChangePoint> change;
  int64_t change_night = 0;  // the first night after the change
  std::string reason;        // why not comparable / no baseline / failed, or the note
};

// `before`: earlier nights of this metric in night order (any identity).
GateDecision decide(const NightPoint& tonight, const std::vector<NightPoint>& before, const GateOptions& opt);

// ------------------------------------------------------------ a night in the store

struct NightGate {
  std::string scenario;  // lab name
  std::string experiment;
  std::vector<Metric> metrics;
  double min_effect = kDefaultMinEffect;
};

struct NightPlan {
  std::string suite;
  std::vector<NightGate> gates;
  double level = 0.99;
  size_t baseline_nights = 7;
  std::string baseline_name;  // named baseline, or ""
  ChangePointOptions change;
  bool change_min_magnitude_set = false;  // else each gate's floor
};

struct NightRow {
  std::string scenario, experiment;
  Metric metric = Metric::p50;
  std::string how;  // how the experiment was taken (probe, wait)
  NightValue value;
  GateDecision decision;
  std::vector<std::string> system_changes;  // scenario text, responder delay, sysctls since the last night
};

struct NightReport {
  store::NightRecord night;
  std::vector<store::NightRunRecord> runs;
  std::vector<NightRow> rows;
  std::map<std::string, size_t> counts;  // verdict name -> rows
  std::vector<std::string> problems;     // scenarios that did not run, in full sentences
  // 1 confirmed regression; else 3 a scenario could not run; else 4 suspected only; else 0.
  int exit_code() const;
};

// The host's identity for nights: machine facts without the lab (hostname,
// machine id, CPU model and count, memory, clocksource, governor) -> "fnv1a64:…".
struct HostIdentity {
  std::string fingerprint;
  nlohmann::json parts;
  std::string kernel;
};
HostIdentity host_identity(const nlohmann::json& machine);

// Reads the night's runs, computes each gated metric, decides and stores the
// verdicts (night_metrics). Errors: the store, a named baseline that is not set.
Result<NightReport> evaluate_night(store::SqliteStore& st, const NightPlan& plan, int64_t night_id);

// A stored night as a report (for `latlab nightly --show NIGHT` and the HTML).
Result<NightReport> load_night(store::SqliteStore& st, int64_t night_id);

// The nights of one metric, for the history chart.
Result<std::vector<NightPoint>> metric_history(store::SqliteStore& st, const std::string& suite,
                                               const std::string& scenario, const std::string& experiment,
                                               Metric m);

// Renderers: text (one line per gated metric), JSON, JUnit XML (a test case
// per gated metric; failures for confirmed regressions), HTML (history).
std::string render_night_text(const NightReport& r);
nlohmann::ordered_json night_to_json(const NightReport& r);
std::string render_night_junit(const NightReport& r);
Result<std::string> render_night_html(store::SqliteStore& st, const NightReport& r,
                                      const ChangePointOptions& cp);

}  // namespace latlab::reports
