// A fixed-size log-bucketed histogram for running percentiles in progress
// lines and run summaries (about 1% resolution; memory does not grow).
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <optional>

namespace latlab::run {

class LatencyHistogram {
 public:
  static constexpr int per_decade = 200;  // 10^(1/200): 1.16% bucket width
  static constexpr int decades = 11;      // 1 ns .. 100 s

  void add(int64_t ns) {
    if (ns < 1) ns = 1;
    int b = static_cast<int>(std::log10(static_cast<double>(ns)) * per_decade);
    if (b >= static_cast<int>(buckets_.size())) b = static_cast<int>(buckets_.size()) - 1;
    ++buckets_[static_cast<size_t>(b)];
    ++count_;
  }
  uint64_t count() const { return count_; }
  // The geometric middle of the bucket holding quantile q (0..1).
  std::optional<double> quantile(double q) const {
    if (count_ == 0) return std::nullopt;
    uint64_t rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_)));
    if (rank == 0) rank = 1;
    uint64_t seen = 0;
    for (size_t b = 0; b < buckets_.size(); ++b) {
      seen += buckets_[b];
      if (seen >= rank) return std::pow(10.0, (static_cast<double>(b) + 0.5) / per_decade);
    }
    return std::nullopt;
  }

 private:
  std::array<uint64_t, per_decade * decades> buckets_{};
  uint64_t count_ = 0;
};

}  // namespace latlab::run
