// Scales, tick values and axes for the inline SVG charts.
#pragma once

#include <string>
#include <vector>

namespace latlab::reports {

// Maps a data interval [d0, d1] onto pixels [r0, r1], linearly or by log10
// (values <= 0 clamp to d0 on a log scale).
struct Scale {
  double d0 = 0, d1 = 1;
  double r0 = 0, r1 = 1;
  bool log = false;
  double operator()(double v) const;
};

// "Nice" ticks (1, 2 or 5 times a power of ten) covering [lo, hi], about
// `target` of them; every value is the double nearest its decimal (0.3, not
// 0.30000000000000004).
std::vector<double> linear_ticks(double lo, double hi, int target = 5);

// Ticks of a log axis within [lo, hi] (lo > 0): the powers of ten if there are
// at least 3, else 1-2-5 multiples if there are at least 3, else 1..9
// multiples, else linear ticks.
std::vector<double> log_ticks(double lo, double hi);

// The domain a chart uses for data in [lo, hi]: linear starts at 0 when
// `from_zero` and ends at a nice tick; log pads by 10 % on each side.
void nice_domain(double& lo, double& hi, bool log, bool from_zero);

// Latency tick labels share one unit picked from the largest value of the
// axis: ns, µs, ms or s. unit_divisor() is what values are divided by.
struct TimeUnit {
  const char* name;
  double divisor;
};
TimeUnit time_unit_for(double max_ns);
std::string tick_label(double value_ns, const TimeUnit& u);

// Axis lines, ticks, grid lines and labels. `grid_to` is the other end of the
// plot area (y for a vertical grid line of an x axis, x for a y axis).
std::string x_axis_svg(const Scale& s, const std::vector<double>& ticks, const std::vector<std::string>& labels,
                       double y, double grid_to, const std::string& title);
std::string y_axis_svg(const Scale& s, const std::vector<double>& ticks, const std::vector<std::string>& labels,
                       double x, double grid_to, const std::string& title);

}  // namespace latlab::reports
