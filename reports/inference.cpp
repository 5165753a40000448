#include "reports/inference.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace latlab::reports {

namespace {

// Continued fraction of the regularized incomplete beta (modified Lentz).
double beta_cf(double a, double b, double x) {
  constexpr double kTiny = 1e-300;
  constexpr double kEps = 1e-15;
  double qab = a + b, qap = a + 1, qam = a - 1;
  double c = 1, d = 1 - qab * x / qap;
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 500; ++m) {
    double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    double del = d * c;
    h *= del;
    if (std::fabs(del - 1) < kEps) break;
  }
  return h;
}

// I_x(a, b).
double incomplete_beta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  double lbt = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  double bt = std::exp(lbt);
  if (x < (a + 1) / (a + b + 2)) return bt * beta_cf(a, b, x) / a;
  return 1 - bt * beta_cf(b, a, 1 - x) / b;
}

struct Moments {
  size_t n = 0;
  double mean = 0;
  double var = 0;  // sample variance (n - 1); 0 below 2 values
};

Moments moments(const std::vector<double>& v) {
  Moments m;
  m.n = v.size();
  if (v.empty()) return m;
  double sum = 0;
  for (double x : v) sum += x;
  m.mean = sum / static_cast<double>(v.size());
  if (v.size() >= 2) {
    double ss = 0;
    for (double x : v) ss += (x - m.mean) * (x - m.mean);
    m.var = ss / static_cast<double>(v.size() - 1);
  }
  return m;
}

bool is_latency(Metric m) { return m != Metric::loss; }

// Latency is compared on the log scale; values are RTTs, so > 0 (clamped to 1 ns).
double transform(double v, Metric m) { return is_latency(m) ? std::log(std::max(v, 1.0)) : v; }

}  // namespace

double student_t_cdf(double t, double df) {
  if (!(df > 0)) return std::numeric_limits<double>::quiet_NaN();
  if (std::isinf(t)) return t > 0 ? 1 : 0;
  double x = df / (df + t * t);
  double tail = 0.5 * incomplete_beta(df / 2, 0.5, x);  // P(T > |t|)
  return t >= 0 ? 1 - tail : tail;
}

double student_t_quantile(double p, double df) {
  if (!(p > 0 && p < 1) || !(df > 0)) return std::numeric_limits<double>::quiet_NaN();
  if (p == 0.5) return 0;
  if (p < 0.5) return -student_t_quantile(1 - p, df);
  double lo = 0, hi = 1;
  while (student_t_cdf(hi, df) < p && hi < 1e12) hi *= 2;
  for (int i = 0; i < 200 && hi - lo > 1e-12 * std::max(1.0, hi); ++i) {
    double mid = (lo + hi) / 2;
    (student_t_cdf(mid, df) < p ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

const char* metric_name(Metric m) {
  switch (m) {
    case Metric::p50:
      return "p50";
    case Metric::p99:
      return "p99";
    case Metric::loss:
      return "loss";
  }
  return "?";
}

std::optional<Metric> parse_metric(const std::string& s) {
  if (s == "p50") return Metric::p50;
  if (s == "p99") return Metric::p99;
  if (s == "loss") return Metric::loss;
  return std::nullopt;
}

std::optional<double> metric_value(const RepetitionStat& r, Metric m) {
  switch (m) {
    case Metric::p50:
      return r.p50;
    case Metric::p99:
      return r.p99;
    case Metric::loss:
      if (r.samples == 0) return std::nullopt;
      return r.loss_pct;
  }
  return std::nullopt;
}

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::worse:
      return "worse";
    case Verdict::better:
      return "better";
    case Verdict::no_difference:
      return "no difference shown";
    case Verdict::no_verdict:
      return "no verdict";
  }
  return "?";
}

RepetitionEstimate estimate(const std::vector<RepetitionStat>& reps, Metric m) {
  RepetitionEstimate e;
  std::vector<double> t;
  for (const auto& r : reps)
    if (auto v = metric_value(r, m)) {
      t.push_back(transform(*v, m));
      e.min = e.min ? std::min(*e.min, *v) : *v;
      e.max = e.max ? std::max(*e.max, *v) : *v;
    }
  Moments mo = moments(t);
  e.n = mo.n;
  if (mo.n == 0) return e;
  auto back = [&](double x) { return is_latency(m) ? std::exp(x) : x; };
  e.center = back(mo.mean);
  if (mo.n >= 2) {
    double half = student_t_quantile(0.5 + kLevel / 2, static_cast<double>(mo.n - 1)) *
                  std::sqrt(mo.var / static_cast<double>(mo.n));
    e.low = back(mo.mean - half);
    e.high = back(mo.mean + half);
    if (!is_latency(m)) e.low = std::max(*e.low, 0.0);
  }
  return e;
}

VarianceSplit split_variance(const std::vector<RepetitionStat>& reps) {
  VarianceSplit s;
  std::vector<double> p50;
  double within_var = 0;
  size_t within_n = 0;
  for (const auto& r : reps) {
    if (!r.p50) continue;
    p50.push_back(*r.p50);
    if (r.p50_sampling_sd) {
      within_var += *r.p50_sampling_sd * *r.p50_sampling_sd;
      ++within_n;
    }
  }
  if (p50.size() < 2 || within_n == 0) return s;
  within_var /= static_cast<double>(within_n);
  double between_var = std::max(0.0, moments(p50).var - within_var);
  s.between_sd = std::sqrt(between_var);
  s.within_sd = std::sqrt(within_var);
  s.dominant = between_var > within_var ? "between repetitions" : "within repetitions";
  return s;
}

std::optional<RunMean> run_mean(const std::vector<RepetitionStat>& reps, Metric m, const std::string& group) {
  std::vector<double> t;
  for (const auto& r : reps)
    if (auto v = metric_value(r, m)) t.push_back(transform(*v, m));
  if (t.size() < 2) return std::nullopt;
  Moments mo = moments(t);
  return RunMean{group, mo.mean, mo.var / static_cast<double>(mo.n)};
}

std::optional<RunLevel> run_level_variance(const std::vector<RunMean>& runs) {
  std::vector<std::string> groups;
  for (const auto& r : runs)
    if (std::find(groups.begin(), groups.end(), r.group) == groups.end()) groups.push_back(r.group);
  double ss = 0, se2 = 0;
  size_t df = 0;
  for (const auto& g : groups) {
    std::vector<double> means;
    for (const auto& r : runs)
      if (r.group == g) means.push_back(r.mean);
    if (means.size() < 2) continue;
    Moments mo = moments(means);
    ss += mo.var * static_cast<double>(mo.n - 1);
    df += mo.n - 1;
  }
  if (df < kMinHistoryRuns - 1) return std::nullopt;
  for (const auto& r : runs) se2 += r.se2;
  se2 /= static_cast<double>(runs.size());
  RunLevel l;
  l.var = std::max(0.0, ss / static_cast<double>(df) - se2);
  l.df = static_cast<double>(df);
  l.runs = runs.size();
  return l;
}

Comparison compare_repetitions(const std::vector<std::optional<double>>& a,
                               const std::vector<std::optional<double>>& b, Metric m, double min_effect,
                               bool paired, const std::optional<RunLevel>& run_level) {
  Comparison c;
  c.metric = m;
  c.floor = is_latency(m) ? min_effect : kLossFloorPp;
  c.paired = paired && a.size() == b.size();
  double mean = 0, se = 0, df = 0;
  if (c.paired) {
    std::vector<double> d;
    for (size_t i = 0; i < a.size(); ++i)
      if (a[i] && b[i]) d.push_back(transform(*a[i], m) - transform(*b[i], m));
    c.n_a = c.n_b = d.size();
    if (d.empty()) {
      c.reason = "no repetition has a value on both sides";
      return c;
    }
    Moments mo = moments(d);
    mean = mo.mean;
    se = std::sqrt(mo.var / static_cast<double>(mo.n));
    df = static_cast<double>(mo.n) - 1;
  } else {
    std::vector<double> ta, tb;
    for (const auto& v : a)
      if (v) ta.push_back(transform(*v, m));
    for (const auto& v : b)
      if (v) tb.push_back(transform(*v, m));
    c.n_a = ta.size();
    c.n_b = tb.size();
    if (ta.empty() || tb.empty()) {
      c.reason = ta.empty() ? "the candidate has no repetition with a value"
                            : "the baseline has no repetition with a value";
      return c;
    }
    Moments ma = moments(ta), mb = moments(tb);
    mean = ma.mean - mb.mean;
    double va = ma.var / static_cast<double>(ma.n), vb = mb.var / static_cast<double>(mb.n);
    // Two runs: each has its own state on top of its repetitions' spread.
    double vr = run_level ? 2 * run_level->var : 0;
    c.run_level = run_level;
    se = std::sqrt(va + vb + vr);
    double den = (ma.n > 1 ? va * va / static_cast<double>(ma.n - 1) : 0) +
                 (mb.n > 1 ? vb * vb / static_cast<double>(mb.n - 1) : 0) +
                 (vr > 0 ? vr * vr / run_level->df : 0);
    df = den > 0 ? (va + vb + vr) * (va + vb + vr) / den : static_cast<double>(ma.n + mb.n) - 2;
  }
  auto back = [&](double x) { return is_latency(m) ? std::exp(x) : x; };
  c.estimate = back(mean);
  size_t n = std::min(c.n_a, c.n_b);
  if (n < kMinRepetitions) {
    c.reason =
        "fewer than " + std::to_string(kMinRepetitions) + " repetitions" +
        (c.paired ? " with a value on both sides (" + std::to_string(n) + ")"
                  : " (candidate " + std::to_string(c.n_a) + ", baseline " + std::to_string(c.n_b) + ")");
    return c;
  }
  double t = student_t_quantile(0.5 + kLevel / 2, df);
  double t_power = student_t_quantile(kPower, df);
  c.low = back(mean - t * se);
  c.high = back(mean + t * se);
  double size_floor = is_latency(m) ? std::log1p(c.floor) : c.floor;  // on the transformed scale
  double mde = (t + t_power) * se;
  c.detectable = std::max(is_latency(m) ? std::expm1(mde) : mde, c.floor);
  if (mean - t * se > 0 && mean > size_floor)
    c.verdict = Verdict::worse;
  else if (mean + t * se < 0 && -mean > size_floor)
    c.verdict = Verdict::better;
  else
    c.verdict = Verdict::no_difference;
  return c;
}

Comparison compare_experiments(const std::vector<RepetitionStat>& a, const std::vector<RepetitionStat>& b,
                               Metric m, double min_effect, bool paired,
                               const std::optional<RunLevel>& run_level) {
  std::vector<std::optional<double>> va, vb;
  if (paired) {
    // Pair by repetition number.
    for (const auto& ra : a) {
      auto it = std::find_if(b.begin(), b.end(),
                             [&](const RepetitionStat& rb) { return rb.repetition == ra.repetition; });
      if (it == b.end()) continue;
      va.push_back(metric_value(ra, m));
      vb.push_back(metric_value(*it, m));
    }
  } else {
    for (const auto& r : a) va.push_back(metric_value(r, m));
    for (const auto& r : b) vb.push_back(metric_value(r, m));
  }
  return compare_repetitions(va, vb, m, min_effect, paired, run_level);
}

}  // namespace latlab::reports
