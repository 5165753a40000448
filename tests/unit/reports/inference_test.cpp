// Inference over repetitions, on simulated data with known answers: samples
// inside a repetition share that repetition's state (a random factor), as on
// a shared VM. Fixed seeds: every figure below is reproducible.
#include "reports/inference.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "reports/stats.h"

using namespace latlab::reports;

namespace {

double unit(std::mt19937_64& g) { return (static_cast<double>(g() >> 11) + 0.5) * 0x1.0p-53; }
double normal(std::mt19937_64& g) {  // Box-Muller: the same numbers with every standard library
  return std::sqrt(-2 * std::log(unit(g))) * std::cos(2 * M_PI * unit(g));
}

// The generative model: repetition i has state factor exp(sigma_b * Z_i);
// its samples are base * factor * (1 + Exp(mean 0.3)). The true p50 of a
// repetition in the median state is base * (1 + 0.3 ln 2).
struct Model {
  double base = 50'000;   // ns
  double sigma_b = 0.15;  // between repetitions (log scale)
  size_t samples = 200;
  double shift = 1.0;  // multiplies every sample (an injected change)
  double loss = 0;     // probability a sample is lost
  double true_p50() const { return base * shift * (1 + 0.3 * std::log(2.0)); }
};

// One repetition, with `state` = the repetition's log factor.
RepetitionStat repetition(std::mt19937_64& g, const Model& m, double state, int64_t index) {
  Quantiles q;
  RepetitionStat r;
  r.repetition = index;
  r.samples = m.samples;
  uint64_t lost = 0;
  for (size_t i = 0; i < m.samples; ++i) {
    double e = -0.3 * std::log(unit(g));
    if (m.loss > 0 && unit(g) < m.loss) {
      ++lost;
      continue;
    }
    q.add(static_cast<int64_t>(m.base * m.shift * std::exp(state) * (1 + e)));
  }
  q.finish();
  r.received = q.count();
  r.loss_pct = 100.0 * static_cast<double>(lost) / static_cast<double>(m.samples);
  r.p50 = q.quantile(0.5);
  r.p99 = q.quantile(0.99);
  if (auto ci = q.ci(0.5)) r.p50_sampling_sd = (ci->high - ci->low) / (2 * 1.959963984540054);
  return r;
}

std::vector<RepetitionStat> experiment(std::mt19937_64& g, const Model& m, size_t reps,
                                       const std::vector<double>* shared_states = nullptr) {
  std::vector<RepetitionStat> out;
  for (size_t i = 0; i < reps; ++i) {
    double state = shared_states ? (*shared_states)[i] : m.sigma_b * normal(g);
    out.push_back(repetition(g, m, state, static_cast<int64_t>(i)));
  }
  return out;
}

struct Rates {
  double worse = 0, better = 0, any = 0;
};

Rates verdict_rates(uint64_t seed, const Model& a, const Model& b, size_t reps, double min_effect,
                    bool paired, int trials, Metric metric = Metric::p50) {
  std::mt19937_64 g(seed);
  Rates r;
  for (int t = 0; t < trials; ++t) {
    std::vector<RepetitionStat> ea, eb;
    if (paired) {  // the two experiments share each round's state, and each has its own on top
      std::vector<double> round(reps), sa(reps), sb(reps);
      for (size_t i = 0; i < reps; ++i) {
        round[i] = a.sigma_b * normal(g);
        sa[i] = round[i] + 0.02 * normal(g);
        sb[i] = round[i] + 0.02 * normal(g);
      }
      ea = experiment(g, a, reps, &sa);
      eb = experiment(g, b, reps, &sb);
    } else {
      ea = experiment(g, a, reps);
      eb = experiment(g, b, reps);
    }
    Comparison c = compare_experiments(ea, eb, metric, min_effect, paired);
    if (c.verdict == Verdict::worse) r.worse += 1;
    if (c.verdict == Verdict::better) r.better += 1;
  }
  r.worse /= trials;
  r.better /= trials;
  r.any = r.worse + r.better;
  return r;
}

}  // namespace

TEST(StudentT, KnownQuantiles) {
  EXPECT_NEAR(student_t_quantile(0.975, 1), 12.7062, 1e-3);
  EXPECT_NEAR(student_t_quantile(0.975, 2), 4.3027, 1e-3);
  EXPECT_NEAR(student_t_quantile(0.975, 9), 2.2622, 1e-3);
  EXPECT_NEAR(student_t_quantile(0.975, 30), 2.0423, 1e-3);
  EXPECT_NEAR(student_t_quantile(0.8, 9), 0.8834, 1e-3);
  EXPECT_NEAR(student_t_quantile(0.975, 1e7), 1.95996, 1e-4);
  EXPECT_NEAR(student_t_quantile(0.025, 9), -2.2622, 1e-3);
  EXPECT_NEAR(student_t_cdf(2.2622, 9), 0.975, 1e-4);
  EXPECT_EQ(student_t_quantile(0.5, 4), 0);
}

// The interval over repetitions covers the true p50 about 95 % of the time,
// while the old pooled order-statistic interval, which treats every sample
// as independent, covers it far less: between-repetition variance dominates.
TEST(RepetitionEstimate, CoverageAbout95PercentWherePooledIntervalFails) {
  std::mt19937_64 g(20261201);
  Model m;
  const int trials = 2000;
  int covered = 0, pooled_covered = 0;
  for (int t = 0; t < trials; ++t) {
    auto reps = experiment(g, m, 10);
    RepetitionEstimate e = estimate(reps, Metric::p50);
    ASSERT_TRUE(e.low && e.high);
    if (*e.low <= m.true_p50() && m.true_p50() <= *e.high) ++covered;
    // Pooled: every sample of every repetition in one series (what reports did).
    Quantiles pooled;
    std::mt19937_64 g2(static_cast<uint64_t>(t));
    for (int i = 0; i < 10; ++i) {
      double state = m.sigma_b * normal(g2);
      for (size_t k = 0; k < m.samples; ++k)
        pooled.add(static_cast<int64_t>(m.base * std::exp(state) * (1 - 0.3 * std::log(unit(g2)))));
    }
    pooled.finish();
    auto ci = pooled.ci(0.5);
    if (ci->low <= m.true_p50() && m.true_p50() <= ci->high) ++pooled_covered;
  }
  double coverage = static_cast<double>(covered) / trials;
  EXPECT_GT(coverage, 0.93);
  EXPECT_LT(coverage, 0.97);
  EXPECT_LT(static_cast<double>(pooled_covered) / trials, 0.6);
}

TEST(RepetitionEstimate, LossAndSpread) {
  std::vector<RepetitionStat> reps(4);
  for (size_t i = 0; i < reps.size(); ++i) {
    reps[i].samples = 100;
    reps[i].loss_pct = static_cast<double>(i);  // 0, 1, 2, 3
    reps[i].p50 = 1000.0 * static_cast<double>(i + 1);
  }
  RepetitionEstimate l = estimate(reps, Metric::loss);
  EXPECT_EQ(l.n, 4u);
  EXPECT_DOUBLE_EQ(*l.center, 1.5);
  EXPECT_DOUBLE_EQ(*l.low, 0);  // clamped: a loss is not negative
  EXPECT_DOUBLE_EQ(*l.min, 0);
  EXPECT_DOUBLE_EQ(*l.max, 3);
  RepetitionEstimate p = estimate(reps, Metric::p50);
  EXPECT_NEAR(*p.center, std::pow(1000.0 * 2000 * 3000 * 4000, 0.25), 1e-6);  // geometric mean
  EXPECT_FALSE(estimate({reps[0]}, Metric::p50).low);                         // one repetition: no interval
}

// A/A: identical experiments in different runs (unpaired). At the 5 % level
// about 2.5 % "worse" and 5 % either way.
TEST(Compare, AAFalseAlarmRateAtTheStatedLevel) {
  Model m;
  Rates r = verdict_rates(1, m, m, 10, 0.0, false, 2000);
  EXPECT_GT(r.any, 0.03);
  EXPECT_LT(r.any, 0.07);
  EXPECT_LT(r.worse, 0.04);
  Rates floored = verdict_rates(1, m, m, 10, kDefaultMinEffect, false, 2000);  // the same draws
  EXPECT_LE(floored.worse, r.worse);
}

// On a quiet machine tiny differences are significant; the floor keeps them
// from being called "worse".
TEST(Compare, AAOnAQuietMachineTheFloorSilencesTinyDifferences) {
  Model m;
  m.sigma_b = 0.005;
  m.samples = 2000;
  Rates r = verdict_rates(2, m, m, 10, 0.0, false, 1000);
  EXPECT_GT(r.worse, 0.01);
  EXPECT_LT(r.worse, 0.045);
  Rates floored = verdict_rates(2, m, m, 10, kDefaultMinEffect, false, 1000);
  EXPECT_EQ(floored.worse, 0);
  EXPECT_EQ(floored.better, 0);
}

TEST(Compare, AAPairedWithinOneRun) {
  Model m;
  Rates r = verdict_rates(3, m, m, 10, 0.0, true, 2000);
  EXPECT_GT(r.any, 0.03);
  EXPECT_LT(r.any, 0.07);
}

// A 10 % slowdown against 15 % between-repetition noise: pairing by round
// (both experiments see the round's state) finds it nearly always, while the
// unpaired comparison of two runs needs more repetitions.
TEST(Compare, PowerForAKnownShift) {
  Model a, b;
  a.shift = 1.10;
  Rates paired = verdict_rates(4, a, b, 10, kDefaultMinEffect, true, 500);
  EXPECT_GT(paired.worse, 0.95);
  EXPECT_EQ(paired.better, 0);
  a.sigma_b = b.sigma_b = 0.03;
  Rates quiet = verdict_rates(5, a, b, 10, kDefaultMinEffect, false, 500);
  EXPECT_GT(quiet.worse, 0.95);
  // And the other way round: B slower than A is "better" for A.
  Rates rev = verdict_rates(6, b, a, 10, kDefaultMinEffect, true, 500);
  EXPECT_GT(rev.better, 0.95);
}

// A real but small change (2 %) under the 5 % floor is never "worse".
TEST(Compare, EffectBelowTheFloorIsNoDifference) {
  Model a, b;
  a.sigma_b = b.sigma_b = 0.005;
  a.samples = b.samples = 2000;
  a.shift = 1.02;
  Rates r = verdict_rates(7, a, b, 10, kDefaultMinEffect, false, 200);
  EXPECT_EQ(r.worse, 0);
  Rates no_floor = verdict_rates(8, a, b, 10, 0.0, false, 200);
  EXPECT_GT(no_floor.worse, 0.8);  // the evidence is there; the floor says it is too small to report
}

TEST(Compare, DetectableChangeShrinksWithRepetitions) {
  std::mt19937_64 g(9);
  Model m;
  auto a5 = experiment(g, m, 5), b5 = experiment(g, m, 5);
  auto a40 = experiment(g, m, 40), b40 = experiment(g, m, 40);
  Comparison c5 = compare_experiments(a5, b5, Metric::p50, 0.0, false);
  Comparison c40 = compare_experiments(a40, b40, Metric::p50, 0.0, false);
  ASSERT_TRUE(c5.detectable && c40.detectable);
  EXPECT_GT(*c5.detectable, *c40.detectable);
  // sigma_b 0.15, 40 vs 40: about (1.99 + 0.85) * 0.15 * sqrt(2/40) = 9.5 %.
  EXPECT_GT(*c40.detectable, 0.06);
  EXPECT_LT(*c40.detectable, 0.14);
  Comparison floored = compare_experiments(a40, b40, Metric::p50, 0.5, false);
  EXPECT_DOUBLE_EQ(*floored.detectable, 0.5);  // never below the floor
}

TEST(Compare, FewerThanThreeRepetitionsGiveNoVerdict) {
  std::mt19937_64 g(10);
  Model a, b;
  a.shift = 3;  // even an obvious change
  auto ea = experiment(g, a, 2), eb = experiment(g, b, 10);
  Comparison c = compare_experiments(ea, eb, Metric::p50, kDefaultMinEffect, false);
  EXPECT_EQ(c.verdict, Verdict::no_verdict);
  EXPECT_EQ(c.reason, "fewer than 3 repetitions (candidate 2, baseline 10)");
  ASSERT_TRUE(c.estimate);
  EXPECT_GT(*c.estimate, 2.5);  // the figure is still given
  EXPECT_FALSE(c.low);
}

TEST(Compare, LossInPercentagePoints) {
  std::vector<RepetitionStat> a(5), b(5);
  for (size_t i = 0; i < 5; ++i) {
    a[i].repetition = b[i].repetition = static_cast<int64_t>(i);
    a[i].samples = b[i].samples = 1000;
    a[i].loss_pct = 10;  // drop_every 10
    b[i].loss_pct = 0;
  }
  Comparison c = compare_experiments(a, b, Metric::loss, kDefaultMinEffect, true);
  EXPECT_EQ(c.verdict, Verdict::worse);
  EXPECT_DOUBLE_EQ(*c.estimate, 10);
  EXPECT_DOUBLE_EQ(c.floor, kLossFloorPp);
  Comparison same = compare_experiments(b, b, Metric::loss, kDefaultMinEffect, true);
  EXPECT_EQ(same.verdict, Verdict::no_difference);
  EXPECT_DOUBLE_EQ(*same.estimate, 0);
}

TEST(VarianceSplit, NamesTheDominantLevel) {
  std::mt19937_64 g(11);
  Model noisy;
  noisy.sigma_b = 0.2;
  VarianceSplit s = split_variance(experiment(g, noisy, 10));
  EXPECT_EQ(s.dominant, "between repetitions");
  EXPECT_GT(*s.between_sd, *s.within_sd);
  Model stable;
  stable.sigma_b = 0;
  stable.samples = 50;
  VarianceSplit q = split_variance(experiment(g, stable, 10));
  EXPECT_EQ(q.dominant, "within repetitions");
  EXPECT_TRUE(split_variance(experiment(g, stable, 1)).dominant.empty());
}

TEST(Metric, Names) {
  EXPECT_EQ(parse_metric("p99"), Metric::p99);
  EXPECT_FALSE(parse_metric("p95"));
  EXPECT_STREQ(metric_name(Metric::loss), "loss");
  EXPECT_STREQ(verdict_name(Verdict::no_difference), "no difference shown");
}

TEST(RunLevel, PooledWithinScenariosLessTheRepetitionNoise) {
  // Group "a": run means 0, 0.2, 0.4 (variance 0.04); group "b": 1, 1.2 (0.02):
  // pooled (0.08 + 0.02) / 3; each mean's se2 0.01 is taken off.
  std::vector<RunMean> runs = {{"a", 0, 0.01}, {"a", 0.2, 0.01}, {"a", 0.4, 0.01}, {"b", 1, 0.01}, {"b", 1.2, 0.01}};
  auto l = run_level_variance(runs);
  ASSERT_TRUE(l);
  EXPECT_NEAR(l->var, 0.1 / 3 - 0.01, 1e-12);
  EXPECT_EQ(l->df, 3);
  EXPECT_EQ(l->runs, 5u);
  EXPECT_FALSE(run_level_variance({{"a", 0, 0.01}, {"a", 1, 0.01}, {"b", 2, 0.01}}));  // 1 degree of freedom
}

// Whole runs have their own state (10 %) on top of their repetitions' (5 %):
// two runs compared over repetitions alone cry wolf; with the run-to-run
// variance of 10 other runs added, the false alarms fall to the stated level.
TEST(RunLevel, AABetweenRunsNeedsTheRunToRunVariance) {
  std::mt19937_64 g(12);
  Model m;
  m.sigma_b = 0.05;
  auto one_run = [&](double run_state) {
    std::vector<double> states(10);
    for (auto& s : states) s = run_state + m.sigma_b * normal(g);
    return experiment(g, m, 10, &states);
  };
  const int trials = 400;
  int naive = 0, with_level = 0;
  for (int t = 0; t < trials; ++t) {
    std::vector<RunMean> history;
    for (int h = 0; h < 10; ++h) history.push_back(*run_mean(one_run(0.1 * normal(g)), Metric::p50, "s"));
    auto level = run_level_variance(history);
    ASSERT_TRUE(level);
    auto a = one_run(0.1 * normal(g)), b = one_run(0.1 * normal(g));
    if (compare_experiments(a, b, Metric::p50, 0.0, false).verdict != Verdict::no_difference) ++naive;
    Comparison c = compare_experiments(a, b, Metric::p50, 0.0, false, level);
    if (c.verdict != Verdict::no_difference) ++with_level;
    EXPECT_TRUE(c.run_level);
  }
  EXPECT_GT(static_cast<double>(naive) / trials, 0.3);
  EXPECT_LT(static_cast<double>(with_level) / trials, 0.08);
}
