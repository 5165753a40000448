// A nightly suite: which scenarios a nightly job runs, how often, which
// metrics of which experiments it gates, the smallest change worth reporting
// and what tonight is compared with. Read as strictly as a scenario (unknown
// keys, wrong types and ranges are errors with file:line:col and the JSON
// pointer), and every scenario it names is loaded and validated too, so a
// suite that names a missing scenario, experiment or metric fails before
// anything runs. Never touches the kernel.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenario/load.h"

namespace latlab::scenario {

inline constexpr uint32_t kDefaultBaselineNights = 7;
inline constexpr uint32_t kMinBaselineNights = 3;   // fewer comparable nights: "no baseline" yet
inline constexpr double kDefaultSuiteLevel = 0.99;  // a suspected change: its 99 % interval excludes none
inline constexpr double kDefaultChangePValue = 0.001;
inline constexpr uint32_t kDefaultChangeWindow = 50;

// One gated experiment of a scenario.
struct SuiteGate {
  std::string experiment;
  std::vector<std::string> metrics;  // "p50" | "p99" | "loss"
  double min_effect = 0;             // fraction
};

struct SuiteScenario {
  std::string file;                // as written (relative to the suite's directory)
  std::string path;                // resolved
  std::optional<uint32_t> repeat;  // overrides the suite's and the scenario's
  std::vector<SuiteGate> gates;    // every experiment when the suite names none
  LoadResult scenario;             // loaded and validated
  std::string name() const { return scenario.lab ? scenario.lab->name : ""; }
};

struct Suite {
  std::string name;
  std::string description;
  std::string file;  // the suite file as given
  std::string text;
  uint32_t repeat = 5;  // repetitions of every experiment, each night
  std::vector<std::string> metrics = {"p50", "p99", "loss"};
  double min_effect = 0.05;
  double level = kDefaultSuiteLevel;
  // Baseline policy: the last `baseline_nights` good comparable nights, or the
  // named baseline (`latlab baseline set`).
  uint32_t baseline_nights = kDefaultBaselineNights;
  std::string baseline_name;
  // Change points over the nights (E-divisive means with a t-test).
  double change_pvalue = kDefaultChangePValue;
  uint32_t change_window = kDefaultChangeWindow;
  std::optional<double> change_min_magnitude;  // unset: each gate's min_effect
  std::vector<SuiteScenario> scenarios;
};

struct SuiteLoadResult {
  std::optional<Suite> suite;
  std::vector<Diagnostic> errors;
  bool ok() const { return suite.has_value(); }
};

SuiteLoadResult load_suite_file(const std::string& path);
// `dir`: where relative scenario files are looked up.
SuiteLoadResult load_suite_text(const std::string& text, const std::string& display_name,
                                const std::string& dir);

}  // namespace latlab::scenario
