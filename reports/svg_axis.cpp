#include "reports/svg_axis.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "reports/svg_text.h"

namespace latlab::reports {

namespace {

// m * 10^e as the double nearest the decimal value.
double decimal(double m, int e) { return e >= 0 ? m * std::pow(10.0, e) : m / std::pow(10.0, -e); }

std::vector<double> log_multiples(double lo, double hi, const std::vector<int>& ms) {
  std::vector<double> out;
  const double eps = 1e-9;
  const int e0 = static_cast<int>(std::floor(std::log10(lo))) - 1;
  const int e1 = static_cast<int>(std::ceil(std::log10(hi))) + 1;
  for (int e = e0; e <= e1; ++e) {
    for (int m : ms) {
      const double v = decimal(m, e);
      if (v >= lo * (1 - eps) && v <= hi * (1 + eps)) out.push_back(v);
    }
  }
  return out;
}

}  // namespace

double Scale::operator()(double v) const {
  double t;
  if (log) {
    const double a = std::log10(std::max(d0, 1e-300));
    const double b = std::log10(std::max(d1, 1e-300));
    const double x = std::log10(std::max(v, std::max(d0, 1e-300)));
    t = b > a ? (x - a) / (b - a) : 0.5;
  } else {
    t = d1 > d0 ? (v - d0) / (d1 - d0) : 0.5;
  }
  return r0 + t * (r1 - r0);
}

std::vector<double> linear_ticks(double lo, double hi, int target) {
  std::vector<double> out;
  if (!std::isfinite(lo) || !std::isfinite(hi) || target < 1) return out;
  if (hi < lo) std::swap(lo, hi);
  if (hi == lo) return {lo};
  const double raw = (hi - lo) / target;
  int e = static_cast<int>(std::floor(std::log10(raw)));
  const double norm = raw / std::pow(10.0, e);
  int m;
  if (norm < 1.5) {
    m = 1;
  } else if (norm < 3) {
    m = 2;
  } else if (norm < 7) {
    m = 5;
  } else {
    m = 1;
    ++e;
  }
  const double step = decimal(m, e);
  const auto first = static_cast<long long>(std::ceil(lo / step - 1e-9));
  const auto last = static_cast<long long>(std::floor(hi / step + 1e-9));
  for (long long i = first; i <= last && out.size() < 50; ++i) {
    double v = decimal(static_cast<double>(i * m), e);
    if (v == 0) v = 0;  // no -0
    out.push_back(v);
  }
  return out;
}

std::vector<double> log_ticks(double lo, double hi) {
  if (!(lo > 0) || !(hi > 0)) return {};
  if (hi < lo) std::swap(lo, hi);
  for (const auto& ms : {std::vector<int>{1}, std::vector<int>{1, 2, 5}, std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8, 9}}) {
    auto t = log_multiples(lo, hi, ms);
    if (t.size() >= 3) return t;
  }
  return linear_ticks(lo, hi, 4);
}

void nice_domain(double& lo, double& hi, bool log, bool from_zero) {
  if (log) {
    if (!(lo > 0)) lo = hi > 0 ? hi / 10 : 1;
    if (!(hi > lo)) hi = lo * 10;
    lo /= 1.1;
    hi *= 1.1;
    return;
  }
  if (from_zero) lo = std::min(lo, 0.0);
  if (!(hi > lo)) hi = lo + 1;
  const auto t = linear_ticks(lo, hi, 5);
  if (t.size() >= 2) {
    const double step = t[1] - t[0];
    if (t.back() < hi) hi = t.back() + step;
    if (!from_zero && t.front() > lo) lo = t.front() - step;
  }
}

TimeUnit time_unit_for(double max_ns) {
  const double a = std::fabs(max_ns);
  if (a < 1e3) return {"ns", 1};
  if (a < 1e6) return {"µs", 1e3};
  if (a < 1e9) return {"ms", 1e6};
  return {"s", 1e9};
}

std::string tick_label(double value_ns, const TimeUnit& u) { return fmt_num(value_ns / u.divisor, 3); }

std::string x_axis_svg(const Scale& s, const std::vector<double>& ticks, const std::vector<std::string>& labels,
                       double y, double grid_to, const std::string& title) {
  std::string out = "<g class=\"axis x\">";
  out += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#333\"/>", fmt_num(s.r0), fmt_num(y),
                     fmt_num(s.r1), fmt_num(y));
  for (size_t i = 0; i < ticks.size(); ++i) {
    const double x = s(ticks[i]);
    out += fmt::format(
        "<line class=\"grid\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#e4e4e4\"/>"
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{3}\" stroke=\"#333\"/>"
        "<text x=\"{0}\" y=\"{4}\" text-anchor=\"middle\">{5}</text>",
        fmt_num(x), fmt_num(y), fmt_num(grid_to), fmt_num(y + 4), fmt_num(y + 16),
        xml_escape(i < labels.size() ? labels[i] : fmt_num(ticks[i], 3)));
  }
  out += fmt::format("<text class=\"axis-title\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text></g>",
                     fmt_num((s.r0 + s.r1) / 2), fmt_num(y + 32), xml_escape(title));
  return out;
}

std::string y_axis_svg(const Scale& s, const std::vector<double>& ticks, const std::vector<std::string>& labels,
                       double x, double grid_to, const std::string& title) {
  std::string out = "<g class=\"axis y\">";
  out += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#333\"/>", fmt_num(x), fmt_num(s.r0),
                     fmt_num(x), fmt_num(s.r1));
  for (size_t i = 0; i < ticks.size(); ++i) {
    const double y = s(ticks[i]);
    out += fmt::format(
        "<line class=\"grid\" x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#e4e4e4\"/>"
        "<line x1=\"{3}\" y1=\"{1}\" x2=\"{0}\" y2=\"{1}\" stroke=\"#333\"/>"
        "<text x=\"{4}\" y=\"{5}\" text-anchor=\"end\">{6}</text>",
        fmt_num(x), fmt_num(y), fmt_num(grid_to), fmt_num(x - 4), fmt_num(x - 6), fmt_num(y + 4),
        xml_escape(i < labels.size() ? labels[i] : fmt_num(ticks[i], 3)));
  }
  const double mid = (s.r0 + s.r1) / 2;
  out += fmt::format(
      "<text class=\"axis-title\" x=\"{0}\" y=\"{1}\" text-anchor=\"middle\" transform=\"rotate(-90 {0} {1})\">{2}</text></g>",
      fmt_num(x - 46), fmt_num(mid), xml_escape(title));
  return out;
}

}  // namespace latlab::reports
