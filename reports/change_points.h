// Change points in a per-night history of one metric, as Apache Otava (the
// Hunter paper, Fleming et al. 2023) finds them. The values are already on the
// comparison's scale (the log of a latency, or a loss percentage). Method:
//  - candidates: E-divisive means (Matteson & James), alpha = 1: a segment
//    [s, e) is split at the tau maximising Q(tau) = t (k - t) / k · E, with
//    t = tau - s, k = e - s and E the energy distance between the two sides
//    (2 · mean |x - y| across, less the mean |x - x'| within each side; a
//    side of one point has no pair and adds 0). Both sides may have one point;
//    segments below 3 points are not split (no degree of freedom is left);
//  - significance: instead of a permutation test, Student's t-test (pooled
//    variance, two-sided, df = n1 + n2 - 2) of the two sides; a significant
//    split splits both halves again, a non-significant one closes its segment
//    (deterministic: no randomness anywhere);
//  - windows of `window` points (50) that overlap by half, each searched on
//    its own (a window starts at the last point the previous one found, if
//    that is later); the points found are merged, deduplicated;
//  - weak points: that search accepts p < weak_pvalue (0.05); then every point
//    is tested again against its neighbouring segments (from the previous
//    point, or the start, to the next point, or the end) and must pass
//    p < max_pvalue (0.001, Otava's default) and magnitude >= min_magnitude
//    (0: any size). The weakest failing point (largest p-value, else smallest
//    magnitude) is removed; its neighbours, which now bound a longer segment,
//    are placed again at that segment's E-divisive split (an addition to
//    Otava: else a weak point beside a recent change can outlive it) and all
//    are tested again, until all pass;
//  - magnitude: log_scale: |exp(mean_after - mean_before) - 1|, the relative
//    change of the geometric mean (0.10 = 10 %); else |mean_after -
//    mean_before| (percentage points for loss).
// A flat history shows a (false) point at the defaults in about 1.5 % of
// series of 20 nights, 3 % of 50, 15 % of 200 (simulated, normal noise):
// every window and every weak point is one more test at max_pvalue, as in
// Otava; a lower max_pvalue trades that for sensitivity.
// A change two nights before the end is found (the last segment may have two
// points); a single last night far enough off (p < max_pvalue with one point)
// is reported too, with n_after = 1: a gate that wants a confirmed change
// asks for more (nightly: n_after >= 3). A segment with no variance makes any difference
// significant (p = 0): min_magnitude is what stops a flat 0 % loss history
// from flagging its first 0.1 %.
#pragma once

#include <cstddef>
#include <vector>

namespace latlab::reports {

struct ChangePointOptions {
  double max_pvalue = 0.001;   // strict threshold (Otava's default)
  double weak_pvalue = 0.05;   // relaxed threshold of the search (weak points)
  size_t window = 50;          // points per window; windows overlap by half; 0: one window, the whole series
  double min_magnitude = 0.0;  // see log_scale
  bool log_scale = true;
};

struct ChangePoint {
  size_t index = 0;        // first point of the new segment (index >= 1)
  double mean_before = 0;  // mean of the segment before (from the previous change point or start)
  double mean_after = 0;   // mean of the segment after (up to the next change point or end)
  double pvalue = 1;       // Student t-test between those two segments
  double magnitude = 0;    // as defined by log_scale
  size_t n_before = 0, n_after = 0;
};

// Sorted by index. Values must be finite.
std::vector<ChangePoint> change_points(const std::vector<double>& series, const ChangePointOptions& opt = {});

// Student's two-sample t-test, pooled variance, two-sided p-value. Segments of
// one point are allowed when the other has >= 2 (pooled df >= 1); returns 1
// when df < 1 (or a side is empty) or the pooled variance is 0 and the means
// are equal; returns 0 when the pooled variance is 0 and the means differ.
// "0" and "equal" are up to rounding (1e-12 relative to the larger |mean|).
double student_t_test(const double* a, size_t na, const double* b, size_t nb);

}  // namespace latlab::reports
