#include "reports/stats.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace latlab::reports {

namespace {
constexpr int kFirstLogExp = LogHistogram::kSubBits + 1;  // 2048 = 2^11
constexpr int64_t kSub = int64_t{1} << LogHistogram::kSubBits;
}  // namespace

size_t LogHistogram::index_of(int64_t v) {
  if (v < kLinear) return static_cast<size_t>(std::max<int64_t>(v, 0));
  int e = 63 - std::countl_zero(static_cast<uint64_t>(v));  // >= 11
  int shift = e - kSubBits;
  int64_t sub = v >> shift;  // [1024, 2047]
  return static_cast<size_t>(kLinear + static_cast<int64_t>(e - kFirstLogExp) * kSub + (sub - kSub));
}

double LogHistogram::bucket_low(size_t index) {
  if (static_cast<int64_t>(index) < kLinear) return static_cast<double>(index);
  int64_t k = static_cast<int64_t>(index) - kLinear;
  int e = kFirstLogExp + static_cast<int>(k / kSub);
  double sub = static_cast<double>(kSub + k % kSub);
  return std::ldexp(sub, e - kSubBits);
}

double LogHistogram::bucket_high(size_t index) {
  if (static_cast<int64_t>(index) < kLinear) return static_cast<double>(index) + 1;
  int64_t k = static_cast<int64_t>(index) - kLinear;
  int e = kFirstLogExp + static_cast<int>(k / kSub);
  double sub = static_cast<double>(kSub + k % kSub + 1);
  return std::ldexp(sub, e - kSubBits);
}

void LogHistogram::add(int64_t v, uint64_t count) {
  if (count == 0) return;
  v = std::max<int64_t>(v, 0);
  size_t i = index_of(v);
  if (i >= counts_.size()) counts_.resize(i + 1, 0);
  counts_[i] += count;
  if (total_ == 0) {
    lowest_ = highest_ = v;
  } else {
    lowest_ = std::min(lowest_, v);
    highest_ = std::max(highest_, v);
  }
  total_ += count;
}

void LogHistogram::merge(const LogHistogram& o) {
  if (o.total_ == 0) return;
  if (o.counts_.size() > counts_.size()) counts_.resize(o.counts_.size(), 0);
  for (size_t i = 0; i < o.counts_.size(); ++i) counts_[i] += o.counts_[i];
  lowest_ = total_ ? std::min(lowest_, o.lowest_) : o.lowest_;
  highest_ = total_ ? std::max(highest_, o.highest_) : o.highest_;
  total_ += o.total_;
}

double LogHistogram::value_at_rank(uint64_t rank) const {
  if (total_ == 0) return 0;
  rank = std::clamp<uint64_t>(rank, 1, total_);
  if (rank == 1) return static_cast<double>(lowest_);  // the extremes are known exactly
  if (rank == total_) return static_cast<double>(highest_);
  uint64_t cum = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    cum += counts_[i];
    if (cum >= rank) {
      double mid = static_cast<int64_t>(i) < kLinear ? static_cast<double>(i) : (bucket_low(i) + bucket_high(i)) / 2;
      return std::clamp(mid, static_cast<double>(lowest_), static_cast<double>(highest_));
    }
  }
  return static_cast<double>(highest_);
}

void LogHistogram::for_each_bucket(const std::function<void(double, uint64_t)>& fn) const {
  for (size_t i = 0; i < counts_.size(); ++i) {
    if (!counts_[i]) continue;
    double mid = static_cast<int64_t>(i) < kLinear ? static_cast<double>(i) : (bucket_low(i) + bucket_high(i)) / 2;
    fn(std::clamp(mid, static_cast<double>(lowest_), static_cast<double>(highest_)), counts_[i]);
  }
}

void Welford::add(double x) {
  ++n_;
  if (n_ == 1) {
    min_ = max_ = x;
  } else {
    min_ = std::min(min_, x);
    max_ = std::max(max_, x);
  }
  double d = x - mean_;
  mean_ += d / static_cast<double>(n_);
  m2_ += d * (x - mean_);
}

std::optional<double> Welford::stddev() const {
  if (n_ < 2) return std::nullopt;
  return std::sqrt(m2_ / static_cast<double>(n_ - 1));
}

uint64_t nearest_rank(uint64_t n, double q) {
  if (n == 0) return 0;
  // ceil(q n) computed with a small tolerance so 0.9 * 1000 gives 900, not 901.
  double r = std::ceil(q * static_cast<double>(n) - 1e-9);
  return std::clamp<uint64_t>(static_cast<uint64_t>(std::max(r, 1.0)), 1, n);
}

std::pair<uint64_t, uint64_t> ci_ranks(uint64_t n, double q, double z) {
  if (n == 0) return {0, 0};
  double nd = static_cast<double>(n);
  double m = nd * q;
  double d = z * std::sqrt(nd * q * (1 - q));
  double lo = std::floor(m - d + 1e-9);
  double hi = std::ceil(m + d - 1e-9) + 1;
  auto clampr = [&](double r) { return static_cast<uint64_t>(std::clamp(r, 1.0, nd)); };
  return {clampr(lo), clampr(hi)};
}

void Quantiles::add(int64_t v) {
  w_.add(static_cast<double>(v));
  if (v < 0) ++negative_;
  hist_.add(v);
  sorted_ = false;
  placed_.clear();
  if (!exact_ok_) return;
  if (values_.size() < exact_limit_) {
    values_.push_back(v);
  } else {
    exact_ok_ = false;
    std::vector<int64_t>().swap(values_);
  }
}

void Quantiles::finish() {
  if (exact_ok_ && !sorted_ && values_.size() <= kSortLimit) {
    std::sort(values_.begin(), values_.end());
    sorted_ = true;
  }
}

double Quantiles::value_at_rank(uint64_t rank) const {
  if (count() == 0) return 0;
  if (!exact_ok_) return hist_.value_at_rank(rank);
  rank = std::clamp<uint64_t>(rank, 1, values_.size());
  if (sorted_) return static_cast<double>(values_[rank - 1]);
  // Selection between the nearest ranks already placed: elements left of a
  // placed rank are <= it and right of it >= it, so only that span is searched.
  auto it = std::lower_bound(placed_.begin(), placed_.end(), rank);
  if (it != placed_.end() && *it == rank) return static_cast<double>(values_[rank - 1]);
  size_t lo = it == placed_.begin() ? 0 : static_cast<size_t>(*(it - 1));       // first index of the span
  size_t hi = it == placed_.end() ? values_.size() : static_cast<size_t>(*it - 1);  // one past its end
  auto base = values_.begin();
  std::nth_element(base + static_cast<std::ptrdiff_t>(lo), base + static_cast<std::ptrdiff_t>(rank - 1),
                   base + static_cast<std::ptrdiff_t>(hi));
  placed_.insert(it, rank);
  return static_cast<double>(values_[rank - 1]);
}

std::optional<double> Quantiles::quantile(double q) const {
  if (count() == 0) return std::nullopt;
  return value_at_rank(nearest_rank(count(), q));
}

std::optional<Interval> Quantiles::ci(double q, double z) const {
  if (count() == 0) return std::nullopt;
  auto [lo, hi] = ci_ranks(count(), q, z);
  Interval iv;
  iv.low = value_at_rank(lo);
  iv.high = value_at_rank(hi);
  iv.level = 0.95;
  return iv;
}

void Quantiles::for_each_value(const std::function<void(double, uint64_t)>& fn) const {
  if (!exact_ok_ || !sorted_) {
    hist_.for_each_bucket(fn);
    return;
  }
  size_t i = 0;
  while (i < values_.size()) {
    size_t j = i;
    while (j < values_.size() && values_[j] == values_[i]) ++j;
    fn(static_cast<double>(values_[i]), j - i);
    i = j;
  }
}

void Ipdv::add(int64_t rtt) {
  if (prev_) {
    sum_abs_ += std::fabs(static_cast<double>(rtt - *prev_));
    ++pairs_;
  }
  prev_ = rtt;
}

std::optional<double> Ipdv::mean_abs() const {
  if (pairs_ == 0) return std::nullopt;
  return sum_abs_ / static_cast<double>(pairs_);
}

void Downsampler::add(double x, double y) {
  if (seen_ % stride_ == 0) points_.emplace_back(x, y);
  ++seen_;
  if (points_.size() > cap_) {
    size_t w = 0;
    for (size_t r = 0; r < points_.size(); r += 2) points_[w++] = points_[r];
    points_.resize(w);
    stride_ *= 2;
  }
}

void LatencySeries::finish(LatencyStats& out) {
  q.finish();
  if (q.count() == 0) return;
  const Welford& w = q.moments();
  out.min = w.min();
  out.max = w.max();
  out.mean = w.mean();
  out.stddev = w.stddev();
  out.p50 = q.quantile(0.5);
  out.p90 = q.quantile(0.9);
  out.p99 = q.quantile(0.99);
  out.p999 = q.quantile(0.999);
  out.p50_ci = q.ci(0.5);
  out.p99_ci = q.ci(0.99);
  out.jitter = ipdv.mean_abs();
}

std::vector<double> log_edges(double lo, double hi, size_t bins) {
  if (bins == 0) bins = 1;
  lo = std::max(lo, 1.0);
  if (hi <= lo) return {lo, lo + 1};
  std::vector<double> e(bins + 1);
  double ratio = std::log(hi / lo);
  for (size_t i = 0; i <= bins; ++i) e[i] = lo * std::exp(ratio * static_cast<double>(i) / static_cast<double>(bins));
  e.front() = lo;
  e.back() = hi;
  return e;
}

Distribution make_distribution(const Quantiles& q, size_t bins, size_t cdf_points) {
  Distribution d;
  uint64_t n = q.count();
  if (n == 0) return d;
  double lo = q.moments().min(), hi = q.moments().max();
  d.edges_ns = log_edges(lo, hi, bins);
  d.counts.assign(d.edges_ns.size() - 1, 0);
  uint64_t k = std::min<uint64_t>(cdf_points, n);
  uint64_t next_i = 1;
  uint64_t cum = 0;
  q.for_each_value([&](double v, uint64_t c) {
    // Histogram: bin i holds [edge i, edge i+1); the last bin also holds its upper edge.
    auto it = std::upper_bound(d.edges_ns.begin(), d.edges_ns.end(), v);
    size_t bin = it == d.edges_ns.begin() ? 0 : static_cast<size_t>(it - d.edges_ns.begin()) - 1;
    bin = std::min(bin, d.counts.size() - 1);
    d.counts[bin] += c;
    // CDF: points at ranks ceil(i n / k), i = 1..k.
    cum += c;
    while (next_i <= k) {
      uint64_t rank = (next_i * n + k - 1) / k;
      if (rank > cum) break;
      d.cdf.emplace_back(v, static_cast<double>(rank) / static_cast<double>(n));
      ++next_i;
    }
  });
  return d;
}

}  // namespace latlab::reports
