// Inference over repetitions: the repetition is the independent unit.
//
// Samples inside one repetition are not independent of each other (a
// repetition sits in one seconds-long state of the VM, the scheduler and the
// CPU), so every interval and verdict here is computed from one statistic per
// repetition (its p50, p99 or loss), never from pooled samples. Methods
// (docs/statistics.md says the same, with the evidence):
//  - an experiment's interval of p50 / p99: Student's t over the logarithms of
//    the repetitions' values, exp(mean ± t(0.975, n-1) · sd / sqrt(n)): an
//    interval of the geometric mean of the repetitions' percentiles (latency
//    is multiplicative: a slower state scales the whole distribution);
//  - the ratio of two experiments: exp of the difference of the mean logs;
//    paired by repetition (the i-th repetitions ran in the same round) when
//    both come from one run with the same repetitions, else Welch's t with
//    Welch–Satterthwaite degrees of freedom;
//  - loss: the difference of the repetitions' loss percentages, paired or
//    Welch the same way;
//  - a verdict ("worse", "better") needs evidence and size: the 95 % interval
//    excludes no change (ratio 1, difference 0) and the estimate exceeds the
//    floor (min_effect for latency, kLossFloorPp for loss); otherwise "no
//    difference shown", with the smallest change the data could have shown
//    (80 % power at the 5 % level); fewer than kMinRepetitions repetitions on
//    either side give figures but no verdict;
//  - which level dominates the variance of p50: the between-repetition
//    variance is the variance of the repetitions' p50s less the mean sampling
//    variance of one repetition's p50 (from its order-statistic interval).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace latlab::reports {

inline constexpr size_t kMinRepetitions = 3;       // fewer: figures, no verdict
inline constexpr double kDefaultMinEffect = 0.05;  // 5 %
inline constexpr double kLossFloorPp = 0.5;        // loss verdicts: at least 0.5 percentage points
inline constexpr double kLevel = 0.95;
inline constexpr double kPower = 0.80;  // for the smallest detectable change

// Student's t distribution: CDF and quantile (df > 0, not necessarily integer).
double student_t_cdf(double t, double df);
double student_t_quantile(double p, double df);

// One repetition of an experiment.
struct RepetitionStat {
  int64_t repetition = 0;
  int64_t position = 0;  // place in the run's order
  uint64_t samples = 0;  // measured (non-warm-up) requests
  uint64_t received = 0;
  std::optional<double> p50, p99;         // ns, of rtt_user
  std::optional<double> p50_sampling_sd;  // ns: the sampling sd of this p50 (from its order-statistic CI)
  double loss_pct = 0;
};

enum class Metric { p50, p99, loss };
const char* metric_name(Metric m);
// "p50" | "p99" | "loss"; nullopt otherwise.
std::optional<Metric> parse_metric(const std::string& s);
std::optional<double> metric_value(const RepetitionStat& r, Metric m);

// An interval over repetitions of one metric of one experiment.
struct RepetitionEstimate {
  size_t n = 0;                     // repetitions with a value
  std::optional<double> center;     // geometric mean (latency), mean (loss)
  std::optional<double> low, high;  // 95 %; needs n >= 2
  std::optional<double> min, max;   // the repetitions' spread
};
RepetitionEstimate estimate(const std::vector<RepetitionStat>& reps, Metric m);

// Which level the variance of p50 comes from.
struct VarianceSplit {
  std::optional<double> between_sd;  // ns, between repetitions
  std::optional<double> within_sd;   // ns, sampling sd of one repetition's p50
  std::string dominant;  // "between repetitions" | "within repetitions" | "" (fewer than 2 repetitions)
};
VarianceSplit split_variance(const std::vector<RepetitionStat>& reps);

// The variance between whole runs of one experiment, on the comparison's scale
// (log for latency, percentage points for loss), from other stored runs: a
// comparison of two runs adds it twice (each run has its own state).
struct RunLevel {
  double var = 0;
  double df = 1;    // its degrees of freedom: runs minus groups
  size_t runs = 0;  // runs it was estimated from
};
inline constexpr size_t kMinHistoryRuns = 3;  // runs of history needed to compare two runs

// From per-run statistics grouped by scenario: in each group, each run's mean
// over repetitions (of the transformed metric) and its squared standard
// error; the variance of the run means within groups, pooled, less the mean
// squared standard error. nullopt below 2 degrees of freedom.
struct RunMean {
  std::string group;  // scenario
  double mean = 0;
  double se2 = 0;
};
std::optional<RunLevel> run_level_variance(const std::vector<RunMean>& runs);
// Mean and squared standard error of one run's repetitions of metric m (the
// comparison's scale); nullopt below 2 repetitions with a value.
std::optional<RunMean> run_mean(const std::vector<RepetitionStat>& reps, Metric m, const std::string& group);

enum class Verdict { worse, better, no_difference, no_verdict };
const char* verdict_name(Verdict v);  // "worse", "better", "no difference shown", "no verdict"

// A (the candidate) against B (the baseline) on one metric.
struct Comparison {
  Metric metric = Metric::p50;
  Verdict verdict = Verdict::no_verdict;
  // Latency: ratio A/B (1.10 = 10 % slower); loss: difference A - B in
  // percentage points.
  std::optional<double> estimate;
  std::optional<double> low, high;  // its 95 % interval
  // The smallest change the data could have shown: relative (latency, 0.08
  // = 8 %) or percentage points (loss); never below the floor.
  std::optional<double> detectable;
  double floor = 0;  // min_effect (latency, relative) or kLossFloorPp (loss)
  bool paired = false;
  size_t n_a = 0, n_b = 0;            // repetitions used
  std::optional<RunLevel> run_level;  // between runs: the run-to-run variance added
  std::string reason;                 // why there is no verdict, or ""
};

// Values of one metric per repetition, A and B. `paired`: a[i] and b[i] ran in
// the same round (the caller checks they come from one run); pairs where either
// value is missing are dropped.
// `run_level`: A and B come from different runs, whose own states add this
// variance (unpaired only).
Comparison compare_repetitions(const std::vector<std::optional<double>>& a,
                               const std::vector<std::optional<double>>& b, Metric m, double min_effect,
                               bool paired, const std::optional<RunLevel>& run_level = std::nullopt);
Comparison compare_experiments(const std::vector<RepetitionStat>& a, const std::vector<RepetitionStat>& b,
                               Metric m, double min_effect, bool paired,
                               const std::optional<RunLevel>& run_level = std::nullopt);

}  // namespace latlab::reports
