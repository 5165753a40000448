// Statistics against hand-computed values and known distributions.
#include "reports/stats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace latlab::reports;

namespace {

// Uniform [0, 1) from a fixed-seed mt19937_64 (the engine is specified by the
// standard; std::uniform_real_distribution is not, so it is not used).
double unit(std::mt19937_64& g) { return static_cast<double>(g() >> 11) * 0x1.0p-53; }

}  // namespace

TEST(NearestRank, HandComputed) {
  EXPECT_EQ(nearest_rank(1000, 0.5), 500u);
  EXPECT_EQ(nearest_rank(1000, 0.9), 900u);
  EXPECT_EQ(nearest_rank(1000, 0.99), 990u);
  EXPECT_EQ(nearest_rank(1000, 0.999), 999u);
  EXPECT_EQ(nearest_rank(1, 0.5), 1u);
  EXPECT_EQ(nearest_rank(3, 0.5), 2u);
  EXPECT_EQ(nearest_rank(4, 0.5), 2u);
  EXPECT_EQ(nearest_rank(10, 0.001), 1u);
}

TEST(Quantiles, OneToThousandExact) {
  Quantiles q;
  for (int v = 1000; v >= 1; --v) q.add(v);  // order must not matter
  q.finish();
  EXPECT_TRUE(q.exact());
  EXPECT_EQ(*q.quantile(0.5), 500);
  EXPECT_EQ(*q.quantile(0.9), 900);
  EXPECT_EQ(*q.quantile(0.99), 990);
  EXPECT_EQ(*q.quantile(0.999), 999);
  EXPECT_EQ(q.moments().min(), 1);
  EXPECT_EQ(q.moments().max(), 1000);
  EXPECT_DOUBLE_EQ(q.moments().mean(), 500.5);
  // Sample variance of 1..n is n(n+1)/12.
  EXPECT_NEAR(*q.moments().stddev(), std::sqrt(1000.0 * 1001.0 / 12.0), 1e-9);
}

TEST(Quantiles, CiRanksHandComputed) {
  // n = 1000, q = 0.5: 500 -+ 1.96 * sqrt(250) = 500 -+ 30.99 -> ranks 469 and 531 + 1.
  auto [lo, hi] = ci_ranks(1000, 0.5);
  EXPECT_EQ(lo, 469u);
  EXPECT_EQ(hi, 532u);
  // q = 0.99: 990 -+ 1.96 * sqrt(9.9) = 990 -+ 6.17 -> 983 and 997 + 1.
  auto [lo99, hi99] = ci_ranks(1000, 0.99);
  EXPECT_EQ(lo99, 983u);
  EXPECT_EQ(hi99, 998u);
  // Clamped for tiny n.
  auto [l1, h1] = ci_ranks(3, 0.99);
  EXPECT_EQ(l1, 2u);  // floor(2.97 - 0.34)
  EXPECT_EQ(h1, 3u);  // ceil(2.97 + 0.34) + 1 = 5, clamped
  Quantiles q;
  for (int v = 1; v <= 1000; ++v) q.add(v);
  q.finish();
  auto ci = q.ci(0.5);
  ASSERT_TRUE(ci);
  EXPECT_EQ(ci->low, 469);
  EXPECT_EQ(ci->high, 532);
  EXPECT_EQ(ci->level, 0.95);
}

TEST(Quantiles, CiCoversTheTrueMedianAboutNinetyFivePercent) {
  std::mt19937_64 g(42);
  int covered = 0;
  const int trials = 400;
  for (int t = 0; t < trials; ++t) {
    Quantiles q;
    for (int i = 0; i < 501; ++i) q.add(static_cast<int64_t>(unit(g) * 1e6));  // true median 500000
    q.finish();
    auto ci = q.ci(0.5);
    if (ci->low <= 500000 && 500000 <= ci->high) ++covered;
  }
  double rate = static_cast<double>(covered) / trials;
  EXPECT_GT(rate, 0.92);
  EXPECT_LT(rate, 0.99);
}

TEST(Quantiles, UniformFixedSeed) {
  std::mt19937_64 g(1);
  Quantiles q;
  for (int i = 0; i < 200000; ++i) q.add(static_cast<int64_t>(unit(g) * 1e6));
  q.finish();
  EXPECT_NEAR(*q.quantile(0.5), 500000, 5000);
  EXPECT_NEAR(*q.quantile(0.9), 900000, 5000);
  EXPECT_NEAR(*q.quantile(0.99), 990000, 2000);
  EXPECT_NEAR(q.moments().mean(), 500000, 3000);
  EXPECT_NEAR(*q.moments().stddev(), 1e6 / std::sqrt(12.0), 3000);
}

TEST(Quantiles, ExponentialFixedSeedExactAndHistogramAgree) {
  std::mt19937_64 g(7);
  Quantiles exact;
  Quantiles hist(0);  // histogram only
  for (int i = 0; i < 300000; ++i) {
    int64_t v = static_cast<int64_t>(-std::log(1.0 - unit(g)) * 100000.0);  // mean 100 µs
    exact.add(v);
    hist.add(v);
  }
  exact.finish();
  hist.finish();
  EXPECT_TRUE(exact.exact());
  EXPECT_FALSE(hist.exact());
  EXPECT_NEAR(*exact.quantile(0.5), 100000 * std::log(2.0), 1500);
  EXPECT_NEAR(*exact.quantile(0.99), 100000 * std::log(100.0), 12000);
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    double e = *exact.quantile(q), h = *hist.quantile(q);
    EXPECT_LE(std::fabs(h - e) / e, 1.0 / 2048 + 1e-12) << "q=" << q;
  }
  // Same moments either way: they never come from the histogram.
  EXPECT_EQ(exact.moments().mean(), hist.moments().mean());
}

TEST(Quantiles, SwitchesToHistogramPastTheLimitWithBoundedError) {
  Quantiles q(1000);
  for (int v = 1; v <= 100000; ++v) q.add(v * 10);
  q.finish();
  EXPECT_FALSE(q.exact());
  EXPECT_EQ(q.count(), 100000u);
  EXPECT_NEAR(*q.quantile(0.5), 500000, 500000.0 / 2048);
  EXPECT_NE(*q.quantile(0.5), 500000);  // really from the histogram: a bucket midpoint
  EXPECT_NEAR(*q.quantile(0.99), 990000, 990000.0 / 2048);
  EXPECT_EQ(q.moments().min(), 10);
  EXPECT_EQ(q.moments().max(), 1000000);
}

TEST(LogHistogram, BucketsAreContiguousAndPrecise) {
  for (size_t i = 0; i + 1 < 55296; ++i) {
    ASSERT_EQ(LogHistogram::bucket_high(i), LogHistogram::bucket_low(i + 1)) << i;
    double lo = LogHistogram::bucket_low(i), hi = LogHistogram::bucket_high(i);
    if (lo >= 2048) {
      ASSERT_LE((hi - lo) / 2 / lo, 1.0 / 2048) << i;
    }
  }
  EXPECT_EQ(LogHistogram::index_of(0), 0u);
  EXPECT_EQ(LogHistogram::index_of(2047), 2047u);
  EXPECT_EQ(LogHistogram::index_of(2048), 2048u);
  EXPECT_EQ(LogHistogram::index_of(2049), 2048u);  // width 2 above 2048
  EXPECT_EQ(LogHistogram::index_of(2050), 2049u);
  EXPECT_EQ(LogHistogram::index_of(INT64_MAX), 55295u);
  for (int64_t v : {int64_t{5000}, int64_t{77777}, int64_t{123456789}, int64_t{1} << 40}) {
    size_t i = LogHistogram::index_of(v);
    EXPECT_LE(LogHistogram::bucket_low(i), static_cast<double>(v));
    EXPECT_GT(LogHistogram::bucket_high(i), static_cast<double>(v));
  }
  LogHistogram h;
  h.add(77000, 3);
  h.add(1000000000);
  EXPECT_EQ(h.count(), 4u);
  EXPECT_LE(h.buckets_allocated(), 55296u);
  EXPECT_EQ(h.value_at_rank(1), 77000);  // the extremes are exact
  EXPECT_EQ(h.value_at_rank(2), 77024);  // 77000 is in bucket [76992, 77056): its midpoint
  EXPECT_EQ(h.value_at_rank(4), 1000000000);
}

TEST(Welford, ExactForLargeOffsets) {
  Welford w;
  for (double x : {1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16}) w.add(x);
  EXPECT_DOUBLE_EQ(w.mean(), 1e9 + 10);
  EXPECT_NEAR(*w.stddev(), std::sqrt(30.0), 1e-6);  // (36 + 9 + 9 + 36) / 3
  Welford one;
  one.add(5);
  EXPECT_FALSE(one.stddev());
}

TEST(Ipdv, MeanAbsoluteDifferenceOfConsecutive) {
  Ipdv j;
  for (int64_t v : {100, 110, 105, 125}) j.add(v);
  EXPECT_EQ(j.pairs(), 3u);
  EXPECT_DOUBLE_EQ(*j.mean_abs(), 35.0 / 3.0);
  j.new_stream();  // a new repetition: 1000 is not differenced against 125
  j.add(1000);
  j.add(1004);
  EXPECT_EQ(j.pairs(), 4u);
  EXPECT_DOUBLE_EQ(*j.mean_abs(), 39.0 / 4.0);
  Ipdv none;
  none.add(5);
  EXPECT_FALSE(none.mean_abs());
}

TEST(Distribution, LogEdgesAndCounts) {
  auto e = log_edges(1000, 100000, 2);
  ASSERT_EQ(e.size(), 3u);
  EXPECT_DOUBLE_EQ(e[0], 1000);
  EXPECT_NEAR(e[1], 10000, 1e-6);
  EXPECT_DOUBLE_EQ(e[2], 100000);
  Quantiles q;
  for (int64_t v : {1000, 2000, 9999, 10001, 50000, 100000}) q.add(v);
  q.finish();
  Distribution d = make_distribution(q, 2, 500);
  ASSERT_EQ(d.edges_ns.size(), 3u);
  ASSERT_EQ(d.counts.size(), 2u);
  EXPECT_EQ(d.counts[0], 3u);  // 1000, 2000, 9999
  EXPECT_EQ(d.counts[1], 3u);  // 10001, 50000 and the top edge itself
  ASSERT_EQ(d.cdf.size(), 6u);  // fewer values than points: one per value
  EXPECT_EQ(d.cdf.front(), (std::pair<double, double>{1000, 1.0 / 6}));
  EXPECT_EQ(d.cdf.back(), (std::pair<double, double>{100000, 1.0}));
}

TEST(Distribution, CdfIsBoundedAndMonotone) {
  Quantiles q;
  for (int v = 1; v <= 100000; ++v) q.add(v);
  q.finish();
  Distribution d = make_distribution(q, 40, 500);
  EXPECT_EQ(d.cdf.size(), 500u);
  EXPECT_EQ(d.counts.size(), 40u);
  uint64_t total = 0;
  for (auto c : d.counts) total += c;
  EXPECT_EQ(total, 100000u);
  for (size_t i = 1; i < d.cdf.size(); ++i) {
    EXPECT_GE(d.cdf[i].first, d.cdf[i - 1].first);
    EXPECT_GT(d.cdf[i].second, d.cdf[i - 1].second);
  }
  EXPECT_EQ(d.cdf[249].first, 50000);  // rank 50000 = p50
  EXPECT_EQ(d.cdf.back().second, 1.0);
}

TEST(Downsampler, BoundedWithUniformStride) {
  Downsampler ds(2000);
  for (int i = 0; i < 100000; ++i) ds.add(i, i * 2);
  const auto& p = ds.points();
  EXPECT_LE(p.size(), 2000u);
  EXPECT_GE(p.size(), 1000u);
  EXPECT_EQ(p.front().first, 0);
  for (size_t i = 1; i < p.size(); ++i) EXPECT_EQ(p[i].first - p[i - 1].first, static_cast<double>(ds.stride()));
  Downsampler small(2000);
  for (int i = 0; i < 10; ++i) small.add(i, i);
  EXPECT_EQ(small.points().size(), 10u);
}

TEST(Quantiles, SelectionAnswersAnyRankOrderLikeASort) {
  std::mt19937_64 g(3);
  Quantiles q;  // more than kSortLimit values: ranks by selection
  std::vector<int64_t> ref;
  for (int i = 0; i < 200000; ++i) {
    int64_t v = static_cast<int64_t>(unit(g) * 1e7);
    q.add(v);
    ref.push_back(v);
  }
  q.finish();
  std::sort(ref.begin(), ref.end());
  for (int k = 0; k < 300; ++k) {
    uint64_t rank = 1 + g() % ref.size();
    ASSERT_EQ(q.value_at_rank(rank), ref[rank - 1]) << rank;
  }
  EXPECT_EQ(q.value_at_rank(1), ref.front());
  EXPECT_EQ(q.value_at_rank(ref.size()), ref.back());
  EXPECT_EQ(*q.quantile(0.5), ref[nearest_rank(ref.size(), 0.5) - 1]);
}
