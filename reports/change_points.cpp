#include "reports/change_points.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "reports/inference.h"

namespace latlab::reports {

namespace {

// Differences below this, relative to the larger |mean|, are rounding.
constexpr double kRelativeTolerance = 1e-12;

// Mean by two passes: the correction makes the mean of equal values exact.
double mean_of(const double* x, size_t n) {
  double sum = 0;
  for (size_t i = 0; i < n; ++i) sum += x[i];
  double m = sum / static_cast<double>(n);
  double correction = 0;
  for (size_t i = 0; i < n; ++i) correction += x[i] - m;
  return m + correction / static_cast<double>(n);
}

double sum_of_squares(const double* x, size_t n, double mean) {
  double ss = 0;
  for (size_t i = 0; i < n; ++i) ss += (x[i] - mean) * (x[i] - mean);
  return ss;
}

double pairs(size_t n) { return static_cast<double>(n) * static_cast<double>(n - 1) / 2; }

// The E-divisive split of x[0, n): the tau in [1, n - 1] with the largest
// Q(tau) = tau (n - tau) / n · E(tau), alpha = 1, kappa = n; 0 when no tau
// has Q > 0 (a constant segment) or n < 3.
// The three sums of |x_i - x_j| (across the split, within the left side,
// within the right side) are updated as tau moves right: point tau leaves the
// right side for the left one.
size_t best_split(const double* x, size_t n) {
  if (n < 3) return 0;
  double across = 0, left = 0, right = 0;
  for (size_t j = 1; j < n; ++j) across += std::fabs(x[0] - x[j]);  // tau = 1
  for (size_t j = 1; j < n; ++j)
    for (size_t k = j + 1; k < n; ++k) right += std::fabs(x[j] - x[k]);
  size_t best = 0;
  double best_q = 0;
  for (size_t tau = 1; tau < n; ++tau) {
    if (tau > 1) {  // move point tau - 1 from the right side to the left
      size_t p = tau - 1;
      double to_left = 0, to_right = 0;  // its distances to the points before and after it
      for (size_t i = 0; i < p; ++i) to_left += std::fabs(x[i] - x[p]);
      for (size_t j = p + 1; j < n; ++j) to_right += std::fabs(x[p] - x[j]);
      left += to_left;
      right -= to_right;
      across += to_right - to_left;
    }
    size_t m = n - tau;
    double e = 2 * across / (static_cast<double>(tau) * static_cast<double>(m));
    if (tau >= 2) e -= left / pairs(tau);
    if (m >= 2) e -= right / pairs(m);
    double q = static_cast<double>(tau) * static_cast<double>(m) / static_cast<double>(n) * e;
    if (q > best_q) {
      best_q = q;
      best = tau;
    }
  }
  return best;
}

// Splits series[s, e) while the best split is significant at `pvalue`,
// collecting the split points.
void split_segment(const std::vector<double>& series, size_t s, size_t e, double pvalue,
                   std::vector<size_t>& out) {
  const double* x = series.data() + s;
  size_t tau = best_split(x, e - s);
  if (tau == 0) return;
  if (!(student_t_test(x, tau, x + tau, e - s - tau) < pvalue)) return;
  out.push_back(s + tau);
  split_segment(series, s, s + tau, pvalue, out);
  split_segment(series, s + tau, e, pvalue, out);
}

ChangePoint evaluate(const std::vector<double>& series, size_t begin, size_t index, size_t end,
                     bool log_scale) {
  const double* x = series.data();
  ChangePoint cp;
  cp.index = index;
  cp.n_before = index - begin;
  cp.n_after = end - index;
  cp.mean_before = mean_of(x + begin, cp.n_before);
  cp.mean_after = mean_of(x + index, cp.n_after);
  cp.pvalue = student_t_test(x + begin, cp.n_before, x + index, cp.n_after);
  double d = cp.mean_after - cp.mean_before;
  cp.magnitude = log_scale ? std::fabs(std::expm1(d)) : std::fabs(d);
  return cp;
}

// Each point against its neighbouring segments.
std::vector<ChangePoint> evaluate_all(const std::vector<double>& series, const std::vector<size_t>& indexes,
                                      bool log_scale) {
  std::vector<ChangePoint> out;
  for (size_t i = 0; i < indexes.size(); ++i) {
    size_t begin = i == 0 ? 0 : indexes[i - 1];
    size_t end = i + 1 == indexes.size() ? series.size() : indexes[i + 1];
    out.push_back(evaluate(series, begin, indexes[i], end, log_scale));
  }
  return out;
}

}  // namespace

double student_t_test(const double* a, size_t na, const double* b, size_t nb) {
  if (na == 0 || nb == 0 || na + nb < 3) return 1;
  double ma = mean_of(a, na), mb = mean_of(b, nb);
  double df = static_cast<double>(na + nb - 2);
  double var = (sum_of_squares(a, na, ma) + sum_of_squares(b, nb, mb)) / df;  // pooled
  double tolerance = kRelativeTolerance * std::max(std::fabs(ma), std::fabs(mb));
  double diff = mb - ma;
  if (std::sqrt(var) <= tolerance) return std::fabs(diff) <= tolerance ? 1 : 0;
  double se = std::sqrt(var * (1 / static_cast<double>(na) + 1 / static_cast<double>(nb)));
  double t = diff / se;
  return std::min(1.0, 2 * student_t_cdf(-std::fabs(t), df));
}

std::vector<ChangePoint> change_points(const std::vector<double>& series, const ChangePointOptions& opt) {
  size_t n = series.size();
  if (n < 3) return {};
  // The search, window by window, at the weak threshold. A window starts half
  // a window after the previous one, or at the last point that one found if
  // that is later; the window that reaches the end is the last.
  size_t window = opt.window == 0 ? n : std::max<size_t>(opt.window, 3);
  size_t step = std::max<size_t>(window / 2, 1);
  std::vector<size_t> indexes;
  for (size_t start = 0; start < n;) {
    size_t end = std::min(start + window, n);
    std::vector<size_t> found;
    split_segment(series, start, end, opt.weak_pvalue, found);
    indexes.insert(indexes.end(), found.begin(), found.end());
    if (end == n) break;
    size_t last = found.empty() ? 0 : *std::max_element(found.begin(), found.end());
    start = std::max(last, start + step);
  }
  std::sort(indexes.begin(), indexes.end());
  indexes.erase(std::unique(indexes.begin(), indexes.end()), indexes.end());

  // Every point against its neighbouring segments, at the strict threshold
  // and the minimum magnitude: the weakest failing point goes (the largest
  // p-value, else the smallest magnitude), its neighbours are placed again
  // and tested again.
  std::vector<ChangePoint> cps = evaluate_all(series, indexes, opt.log_scale);
  while (!cps.empty()) {
    auto weakest = std::max_element(cps.begin(), cps.end(), [](const ChangePoint& a, const ChangePoint& b) {
      return a.pvalue < b.pvalue;
    });
    if (weakest->pvalue < opt.max_pvalue) {
      weakest = std::min_element(cps.begin(), cps.end(), [](const ChangePoint& a, const ChangePoint& b) {
        return a.magnitude < b.magnitude;
      });
      if (weakest->magnitude >= opt.min_magnitude) break;
    }
    size_t w = static_cast<size_t>(weakest - cps.begin());
    indexes.erase(indexes.begin() + static_cast<std::ptrdiff_t>(w));
    // Its neighbours now bound a longer segment: each is placed again at that
    // segment's best split (the left one first), then everything is tested.
    // Without this a weak point next to a real change (47 beside 48) can
    // outlive it, or a real change bounded by a short spurious segment is
    // removed first and the spurious point, re-tested alone, goes too.
    for (size_t i : {w - 1, w}) {  // w - 1 wraps around when w == 0: skipped
      if (i >= indexes.size()) continue;
      size_t begin = i == 0 ? 0 : indexes[i - 1];
      size_t end = i + 1 == indexes.size() ? n : indexes[i + 1];
      if (size_t tau = best_split(series.data() + begin, end - begin); tau != 0) indexes[i] = begin + tau;
    }
    cps = evaluate_all(series, indexes, opt.log_scale);
  }
  return cps;
}

}  // namespace latlab::reports
