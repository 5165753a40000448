// Streaming latency statistics with bounded memory.
//
// Methods (docs/reports.md says the same):
//  - min, max, mean, stddev: exact, Welford's online algorithm; stddev is the
//    sample standard deviation (n - 1 in the denominator).
//  - percentiles: nearest rank, the value at rank ceil(q * n) (1-based) of the
//    sorted values. Exact while at most `exact_limit` values have been added
//    (they are kept); beyond that, from a log-linear (HDR-style) histogram
//    that is always kept: values below 2048 ns have their own bucket, larger
//    ones 1024 sub-buckets per power of two, and a bucket answers with its
//    midpoint, so the relative error is at most 1/2048 (< 0.05 %). Memory is
//    fixed: at most 55,296 buckets (442 KB) whatever the count.
//  - confidence intervals of a quantile q: distribution-free, by order
//    statistics (binomial, normal approximation): ranks
//    floor(n q - z sqrt(n q (1 - q))) and ceil(n q + z sqrt(n q (1 - q))) + 1,
//    clamped to [1, n], z = 1.959964 for 95 %.
//  - jitter: RFC 3393 IPDV, the mean absolute difference of consecutive received
//    RTTs in sequence order; a new stream (repetition) does not difference
//    across its start.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "reports/report_model.h"

namespace latlab::reports {

// Log-linear histogram of non-negative integers (ns). Fixed maximum memory.
class LogHistogram {
 public:
  static constexpr int kSubBits = 10;                       // 1024 sub-buckets per power of two
  static constexpr int64_t kLinear = int64_t{2} << kSubBits;  // 2048: exact below this

  void add(int64_t v, uint64_t count = 1);
  uint64_t count() const { return total_; }
  // Nearest-rank value at 1-based rank r (1 <= r <= count()): the bucket's
  // midpoint, clamped to [lowest, highest] recorded value.
  double value_at_rank(uint64_t rank) const;
  // Non-empty buckets as (representative value, count), ascending.
  void for_each_bucket(const std::function<void(double, uint64_t)>& fn) const;
  static size_t index_of(int64_t v);
  static double bucket_low(size_t index);
  static double bucket_high(size_t index);  // exclusive
  size_t buckets_allocated() const { return counts_.size(); }
  void merge(const LogHistogram& other);

 private:
  std::vector<uint64_t> counts_;  // grows up to the highest index used
  uint64_t total_ = 0;
  int64_t lowest_ = 0, highest_ = 0;
};

// Welford: exact mean and variance in one pass.
class Welford {
 public:
  void add(double x);
  uint64_t count() const { return n_; }
  double mean() const { return mean_; }
  // Sample standard deviation (n - 1); unset below 2 values.
  std::optional<double> stddev() const;
  double min() const { return min_; }
  double max() const { return max_; }

 private:
  uint64_t n_ = 0;
  double mean_ = 0, m2_ = 0, min_ = 0, max_ = 0;
};

// Nearest-rank quantile of n sorted values: 1-based rank ceil(q n), at least 1.
uint64_t nearest_rank(uint64_t n, double q);
// 95 % (z) order-statistic CI ranks of quantile q, 1-based, clamped to [1, n].
std::pair<uint64_t, uint64_t> ci_ranks(uint64_t n, double q, double z = 1.959963984540054);

// One series of values (ns), streamed once. Exact percentiles up to
// exact_limit values, histogram beyond.
class Quantiles {
 public:
  static constexpr size_t kDefaultExactLimit = size_t{1} << 20;  // 1,048,576 values (8 MB)
  static constexpr size_t kSortLimit = 65536;  // sorted in finish() up to this many values
  explicit Quantiles(size_t exact_limit = kDefaultExactLimit) : exact_limit_(exact_limit) {}

  void add(int64_t v);
  uint64_t count() const { return hist_.count(); }
  bool exact() const { return exact_ok_; }
  // Call once after the last add(): sorts the kept values when few.
  void finish();
  double value_at_rank(uint64_t rank) const;  // 1-based
  std::optional<double> quantile(double q) const;
  std::optional<Interval> ci(double q, double level_z = 1.959963984540054) const;
  // Ascending (value, count) pairs: every value when exact and at most
  // kSortLimit values, the histogram's buckets otherwise (charts only).
  void for_each_value(const std::function<void(double, uint64_t)>& fn) const;
  const Welford& moments() const { return w_; }
  const LogHistogram& histogram() const { return hist_; }
  uint64_t clamped_negative() const { return negative_; }

 private:
  size_t exact_limit_;
  bool exact_ok_ = true;
  bool sorted_ = false;
  // Kept values. Above kSortLimit they are not sorted: each rank is found by
  // selection (nth_element) between the ranks already placed, so the handful
  // of ranks a report needs cost about one pass instead of a sort.
  mutable std::vector<int64_t> values_;
  mutable std::vector<uint64_t> placed_;  // 1-based ranks already in their sorted position, ascending
  LogHistogram hist_;
  Welford w_;
  uint64_t negative_ = 0;
};

// RFC 3393 IPDV, mean absolute difference of consecutive received RTTs.
class Ipdv {
 public:
  void new_stream() { prev_.reset(); }
  void lost() {}  // a lost packet does not break the chain of received ones
  void add(int64_t rtt);
  std::optional<double> mean_abs() const;
  uint64_t pairs() const { return pairs_; }

 private:
  std::optional<int64_t> prev_;
  double sum_abs_ = 0;
  uint64_t pairs_ = 0;
};

// RTT over time, downsampled to at most `cap` points with a uniform stride:
// when the buffer is full every other point is dropped and the stride doubles.
class Downsampler {
 public:
  explicit Downsampler(size_t cap = 2000) : cap_(cap) {}
  void add(double x, double y);
  const std::vector<std::pair<double, double>>& points() const { return points_; }
  uint64_t stride() const { return stride_; }

 private:
  size_t cap_;
  uint64_t stride_ = 1;
  uint64_t seen_ = 0;
  std::vector<std::pair<double, double>> points_;
};

// Everything LatencyStats needs for one series; the caller counts samples,
// lost, late and warm-up.
struct LatencySeries {
  explicit LatencySeries(size_t exact_limit = Quantiles::kDefaultExactLimit) : q(exact_limit) {}
  Quantiles q;
  Ipdv ipdv;
  void new_stream() { ipdv.new_stream(); }
  void add(int64_t rtt) {
    q.add(rtt);
    ipdv.add(rtt);
  }
  // Fills min .. jitter and the CIs of `out` (counts are left alone).
  void finish(LatencyStats& out);
};

// Histogram with `bins` log-spaced bins between the lowest and highest value
// (edges size bins + 1), and a CDF of at most `cdf_points` points.
Distribution make_distribution(const Quantiles& q, size_t bins = 40, size_t cdf_points = 500);
// Log-spaced edges from lo to hi (lo > 0), bins + 1 of them; lo == hi gives one bin [lo, lo + 1).
std::vector<double> log_edges(double lo, double hi, size_t bins);

}  // namespace latlab::reports
