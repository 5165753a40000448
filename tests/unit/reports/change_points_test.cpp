// Change points in a nightly history, on simulated data with known answers:
// normal noise around a level that steps at known nights. Fixed seeds: every
// figure below is reproducible.
#include "reports/change_points.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

using namespace latlab::reports;

namespace {

double unit(std::mt19937_64& g) { return (static_cast<double>(g() >> 11) + 0.5) * 0x1.0p-53; }
double normal(std::mt19937_64& g) {  // Box-Muller: the same numbers with every standard library
  return std::sqrt(-2 * std::log(unit(g))) * std::cos(2 * M_PI * unit(g));
}

constexpr double kLevel = 10.8;  // log(50 us in ns): a latency on the log scale
constexpr double kSd = 0.05;     // night-to-night sd of the log (5 %)

// n nights of level + sd * Z, with level + shift from night `at` on (no step
// when at >= n).
std::vector<double> series(std::mt19937_64& g, size_t n, size_t at, double shift, double level = kLevel,
                           double sd = kSd) {
  std::vector<double> v;
  for (size_t i = 0; i < n; ++i) v.push_back(level + (i >= at ? shift : 0) + sd * normal(g));
  return v;
}

double mean(const std::vector<double>& v, size_t begin, size_t end) {
  double s = 0;
  for (size_t i = begin; i < end; ++i) s += v[i];
  return s / static_cast<double>(end - begin);
}

std::vector<size_t> indexes(const std::vector<ChangePoint>& cps) {
  std::vector<size_t> out;
  for (const auto& c : cps) out.push_back(c.index);
  return out;
}

}  // namespace

TEST(ChangePointTest, StepInTheMiddleIsFoundWithItsMeans) {
  std::mt19937_64 g(101);
  auto v = series(g, 20, 10, 5 * kSd);
  auto cps = change_points(v);
  ASSERT_EQ(cps.size(), 1u);
  const auto& c = cps[0];
  EXPECT_EQ(c.index, 10u);
  EXPECT_LT(c.pvalue, 0.001);
  EXPECT_EQ(c.n_before, 10u);
  EXPECT_EQ(c.n_after, 10u);
  EXPECT_NEAR(c.mean_before, mean(v, 0, 10), 1e-12);
  EXPECT_NEAR(c.mean_after, mean(v, 10, 20), 1e-12);
  // Each mean is within 4 standard errors of the true level.
  EXPECT_NEAR(c.mean_before, kLevel, 4 * kSd / std::sqrt(10.0));
  EXPECT_NEAR(c.mean_after, kLevel + 5 * kSd, 4 * kSd / std::sqrt(10.0));
  EXPECT_NEAR(c.magnitude, std::expm1(c.mean_after - c.mean_before), 1e-12);
}

// The gate's case: the change is two or three nights old.
TEST(ChangePointTest, StepWithTwoOrThreePointsAfterIsFoundAtItsIndex) {
  for (size_t n : {12u, 13u}) {
    std::mt19937_64 g(1000 + n);
    auto v = series(g, n, 10, 6 * kSd);
    auto cps = change_points(v);
    ASSERT_EQ(indexes(cps), std::vector<size_t>{10}) << n;
    EXPECT_EQ(cps[0].n_before, 10u);
    EXPECT_EQ(cps[0].n_after, n - 10);
    EXPECT_LT(cps[0].pvalue, 0.001);
    EXPECT_NEAR(cps[0].mean_after, mean(v, 10, n), 1e-12);
  }
}

bool has(const std::vector<ChangePoint>& cps, size_t index) {
  for (const auto& c : cps)
    if (c.index == index) return true;
  return false;
}

// The same over 100 seeds. The t-test alone at the true index, with 2 points
// after, has p < 0.001 in 98.4 % of series at 6 sd and 99.95 % at 8 sd (a
// simulation of 2,000 series each): no method does better than that power.
// Found at the index: 97 % at 6 sd, 99.7 % at 8 sd (a rare noisy pair
// of points puts it one night late: the first one is low); within one night:
// 98 % at 6 sd. The bounds below leave about two misses of room.
TEST(ChangePointTest, RecentStepsOverManySeeds) {
  for (size_t after : {2u, 3u}) {
    int at_6 = 0, near_6 = 0, at_8 = 0;
    for (uint64_t seed = 1; seed <= 100; ++seed) {
      std::mt19937_64 g(seed * 7919 + after);
      auto six = change_points(series(g, 10 + after, 10, 6 * kSd));
      at_6 += has(six, 10);
      near_6 += has(six, 9) || has(six, 10) || has(six, 11);
      at_8 += has(change_points(series(g, 10 + after, 10, 8 * kSd)), 10);
    }
    std::printf("%zu points after: found at 10 in %d (6 sd), %d (8 sd) of 100; within one night %d (6 sd)\n",
                after, at_6, at_8, near_6);
    EXPECT_GE(at_6, 92) << after;
    EXPECT_GE(near_6, 95) << after;
    EXPECT_GE(at_8, 98) << after;
  }
}

// One point after the change: it is a candidate (the search allows a segment
// of one point), and it stays when one night alone is significant at the
// strict threshold (a large jump), with n_after = 1; a moderate jump is only
// a weak point and goes.
TEST(ChangePointTest, SinglePointAfterTheChange) {
  std::mt19937_64 g(303);
  auto big = series(g, 11, 10, 10 * kSd);
  auto cps = change_points(big);
  ASSERT_EQ(indexes(cps), std::vector<size_t>{10});
  EXPECT_EQ(cps[0].n_after, 1u);
  EXPECT_LT(cps[0].pvalue, 0.001);

  std::mt19937_64 g2(304);
  auto moderate = series(g2, 11, 10, 3 * kSd);
  EXPECT_TRUE(change_points(moderate).empty());
  ChangePointOptions relaxed;
  relaxed.max_pvalue = relaxed.weak_pvalue;  // keep the weak points
  auto weak = change_points(moderate, relaxed);
  ASSERT_EQ(indexes(weak), std::vector<size_t>{10});
  EXPECT_GE(weak[0].pvalue, 0.001);
  EXPECT_LT(weak[0].pvalue, 0.05);
}

// A one-night spike inside the history is no change: the segment after it
// would be that night alone, tested against the segment that follows.
TEST(ChangePointTest, OneNightSpikeInTheMiddleIsNoChange) {
  std::mt19937_64 g(305);
  auto v = series(g, 20, 20, 0);
  v[10] += 10 * kSd;
  EXPECT_TRUE(change_points(v).empty());
}

// A/A: no change. The strict threshold is 0.001 per test and the search
// looks at ~18 splits of a 20-night series: counted as independent tests
// (Bonferroni) at most ~1.8 % of series would show a point, 3.6 of 200. A
// simulation of 5,000 series measured 1.6 % (3.1 of 200 expected); 5 leaves
// room for the spread of a count of 200.
TEST(ChangePointTest, FlatSeriesRarelyShowsAChange) {
  std::mt19937_64 g(2024);
  int with_points = 0;
  for (int i = 0; i < 200; ++i) {
    auto v = series(g, 20, 20, 0);
    if (!change_points(v).empty()) ++with_points;
  }
  std::printf("A/A: %d of 200 flat series with a change point\n", with_points);
  EXPECT_LE(with_points, 5);
}

TEST(ChangePointTest, MinMagnitudeSuppressesASignificantSmallChange) {
  std::mt19937_64 g(404);
  auto v = series(g, 40, 20, 0.02, kLevel, 0.002);  // +2 %, 10 sd
  auto cps = change_points(v);
  ASSERT_EQ(indexes(cps), std::vector<size_t>{20});
  EXPECT_LT(cps[0].pvalue, 1e-6);
  EXPECT_NEAR(cps[0].magnitude, 0.02, 0.005);

  ChangePointOptions opt;
  opt.min_magnitude = 0.05;  // 5 %
  EXPECT_TRUE(change_points(v, opt).empty());
  opt.min_magnitude = 0.01;
  EXPECT_EQ(indexes(change_points(v, opt)), std::vector<size_t>{20});
}

TEST(ChangePointTest, LogScaleAndAbsoluteMagnitude) {
  // Loss in percentage points: 0.5 % to 2.5 %.
  std::mt19937_64 g(505);
  auto loss = series(g, 30, 15, 2.0, 0.5, 0.2);
  ChangePointOptions abs;
  abs.log_scale = false;
  auto a = change_points(loss, abs);
  ASSERT_EQ(indexes(a), std::vector<size_t>{15});
  EXPECT_NEAR(a[0].magnitude, a[0].mean_after - a[0].mean_before, 1e-12);
  EXPECT_NEAR(a[0].magnitude, 2.0, 0.3);
  abs.min_magnitude = 2.5;  // percentage points
  EXPECT_TRUE(change_points(loss, abs).empty());

  // The same shift read as logs: exp(2) - 1 = 639 %.
  auto l = change_points(loss);
  ASSERT_EQ(indexes(l), std::vector<size_t>{15});
  EXPECT_NEAR(l[0].magnitude, std::expm1(a[0].magnitude), 1e-9);
  EXPECT_EQ(l[0].pvalue, a[0].pvalue);

  // A decrease: the relative change of the geometric mean, 1 - exp(-0.2).
  std::mt19937_64 g2(507);
  auto down = series(g2, 30, 15, -0.2);
  auto d = change_points(down);
  ASSERT_EQ(indexes(d), std::vector<size_t>{15});
  EXPECT_NEAR(d[0].magnitude, -std::expm1(d[0].mean_after - d[0].mean_before), 1e-12);
  EXPECT_NEAR(d[0].magnitude, 1 - std::exp(-0.2), 0.04);
}

TEST(ChangePointTest, TwoStepsAreBothFound) {
  std::mt19937_64 g(606);
  auto v = series(g, 45, 15, 5 * kSd);
  for (size_t i = 30; i < 45; ++i) v[i] -= 5 * kSd;  // back down at 30
  auto cps = change_points(v);
  ASSERT_EQ(indexes(cps), (std::vector<size_t>{15, 30}));
  EXPECT_EQ(cps[0].n_before, 15u);
  EXPECT_EQ(cps[0].n_after, 15u);
  EXPECT_EQ(cps[1].n_before, 15u);
  EXPECT_EQ(cps[1].n_after, 15u);
  EXPECT_NEAR(cps[0].mean_after, mean(v, 15, 30), 1e-12);
  EXPECT_NEAR(cps[1].mean_before, mean(v, 15, 30), 1e-12);
  EXPECT_GT(cps[0].mean_after, cps[0].mean_before);
  EXPECT_LT(cps[1].mean_after, cps[1].mean_before);
  for (const auto& c : cps) EXPECT_LT(c.pvalue, 0.001);
}

TEST(ChangePointTest, WindowsFindALateStepInALongSeries) {
  std::mt19937_64 g(707);
  auto v = series(g, 200, 120, 5 * kSd);
  auto cps = change_points(v);  // window 50
  ASSERT_EQ(indexes(cps), std::vector<size_t>{120});
  EXPECT_EQ(cps[0].n_before, 120u);  // tested against the whole segments
  EXPECT_EQ(cps[0].n_after, 80u);
  EXPECT_LT(cps[0].pvalue, 1e-10);

  ChangePointOptions one_window;
  one_window.window = 0;
  EXPECT_EQ(indexes(change_points(v, one_window)), std::vector<size_t>{120});

  // Two points from the end of the long series too.
  std::mt19937_64 g2(708);
  auto late = series(g2, 200, 198, 6 * kSd);
  EXPECT_EQ(indexes(change_points(late)), std::vector<size_t>{198});
}

TEST(ChangePointTest, StepsInSeveralWindowsAreSortedAndDeduplicated) {
  std::mt19937_64 g(808);
  auto v = series(g, 150, 40, 6 * kSd);
  for (size_t i = 100; i < 150; ++i) v[i] += 6 * kSd;  // a second step up at 100
  auto cps = change_points(v);
  EXPECT_EQ(indexes(cps), (std::vector<size_t>{40, 100}));
}

TEST(ChangePointStudentTTest, KnownValues) {
  // Means 3 and 5, each sum of squares 10: pooled variance 20 / 8 = 2.5,
  // se = sqrt(2.5 (1/5 + 1/5)) = 1, t = 2, df = 8: p = 0.080516.
  std::vector<double> a{1, 2, 3, 4, 5}, b{3, 4, 5, 6, 7};
  EXPECT_NEAR(student_t_test(a.data(), 5, b.data(), 5), 0.0805162, 1e-6);
  EXPECT_NEAR(student_t_test(b.data(), 5, a.data(), 5), 0.0805162, 1e-6);  // two-sided

  // t = 2.228 with df = 10: the 97.5 % quantile, p = 0.05. Values +-1 around
  // 0 (sum of squares 6 a side): pooled variance 1.2, se = sqrt(0.4).
  std::vector<double> c{-1, 1, -1, 1, -1, 1}, d;
  for (double x : c) d.push_back(x + 2.228 * std::sqrt(0.4));
  EXPECT_NEAR(student_t_test(c.data(), 6, d.data(), 6), 0.05, 1e-4);

  // One point against three (df = 2, closed form p = 1 - t / sqrt(t^2 + 2)):
  // pooled variance 2 / 2 = 1, se = sqrt(1 + 1/3), t = 3 / se.
  std::vector<double> e{0, 1, 2}, f{4};
  double t = 3 / std::sqrt(4.0 / 3);
  EXPECT_NEAR(student_t_test(e.data(), 3, f.data(), 1), 1 - t / std::sqrt(t * t + 2), 1e-9);
  EXPECT_NEAR(student_t_test(f.data(), 1, e.data(), 3), 1 - t / std::sqrt(t * t + 2), 1e-9);
}

TEST(ChangePointStudentTTest, DegenerateInputs) {
  std::vector<double> one{1}, two{2}, ones{1, 1, 1}, twos{2, 2}, tenths{0.1, 0.1, 0.1}, tenth{0.1, 0.1};
  EXPECT_EQ(student_t_test(one.data(), 1, two.data(), 1), 1);       // df = 0
  EXPECT_EQ(student_t_test(one.data(), 0, ones.data(), 3), 1);      // a side is empty
  EXPECT_EQ(student_t_test(ones.data(), 3, ones.data(), 2), 1);     // no variance, equal means
  EXPECT_EQ(student_t_test(tenths.data(), 3, tenth.data(), 2), 1);  // equal up to rounding
  EXPECT_EQ(student_t_test(ones.data(), 3, twos.data(), 2), 0);     // no variance, means differ
  EXPECT_EQ(student_t_test(one.data(), 1, twos.data(), 2), 0);
}

TEST(ChangePointTest, EdgeCases) {
  EXPECT_TRUE(change_points({}).empty());
  EXPECT_TRUE(change_points({kLevel}).empty());
  EXPECT_TRUE(change_points({kLevel, kLevel + 1}).empty());
  for (double c : {0.0, 0.1, kLevel, -3.7}) {
    for (size_t n : {3u, 7u, 20u, 120u}) {
      auto cps = change_points(std::vector<double>(n, c));
      EXPECT_TRUE(cps.empty()) << c << " x " << n;
    }
  }
  // A noiseless step: no variance on either side, so p = 0; the magnitude is exact.
  std::vector<double> step(10, 1.0);
  for (size_t i = 5; i < 10; ++i) step[i] = 2.0;
  ChangePointOptions abs;
  abs.log_scale = false;
  auto cps = change_points(step, abs);
  ASSERT_EQ(indexes(cps), std::vector<size_t>{5});
  EXPECT_EQ(cps[0].pvalue, 0);
  EXPECT_EQ(cps[0].magnitude, 1.0);
  // Short noisy series: whatever is found has finite figures.
  std::mt19937_64 g(909);
  for (size_t n = 3; n <= 8; ++n) {
    for (const auto& c : change_points(series(g, n, n / 2, 10 * kSd))) {
      EXPECT_FALSE(std::isnan(c.pvalue));
      EXPECT_FALSE(std::isnan(c.magnitude));
      EXPECT_GE(c.index, 1u);
      EXPECT_LT(c.index, n);
    }
  }
}
