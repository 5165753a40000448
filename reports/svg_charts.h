// Chart primitives of the HTML report, each one self-contained inline SVG:
// <svg id=ID class="chart KIND ..."> with a <title>, axes, data and a legend.
// Everything from the store is escaped; point counts are capped.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace latlab::reports {

// The color of series i (stable per experiment across all charts).
std::string series_color(size_t i);

struct ChartFrame {
  std::string id;
  std::string title;
  std::string extra_class;  // e.g. "scale-lin" / "scale-log" for the page toggle
  int width = 640;
  int height = 300;
  bool log = false;  // the latency axis is log10
};

struct LineSeries {
  std::string label;
  size_t color = 0;
  std::vector<std::pair<double, double>> points;  // (x, y)
};

// Caps on what one chart draws.
inline constexpr size_t kMaxCdfPoints = 500;
inline constexpr size_t kMaxTimePoints = 2000;
inline constexpr size_t kMaxHistogramBins = 200;

// Keeps at most `max` points, evenly spaced, always the first and the last.
std::vector<std::pair<double, double>> downsample(const std::vector<std::pair<double, double>>& pts, size_t max);

// CDF: x = latency (ns), y = fraction in [0, 1], one step line per series.
std::string cdf_chart(const std::vector<LineSeries>& series, const ChartFrame& f);

// Histogram of one series: bars between edges (ns), counts; more than
// kMaxHistogramBins bins are merged by neighbours.
std::string histogram_chart(const std::vector<double>& edges_ns, const std::vector<uint64_t>& counts, size_t color,
                            const ChartFrame& f);

// Box plot per experiment, side by side. What the parts mean is the caller's
// (html.cpp: box p25–p75 from the CDF, line p50, whiskers min–p99, dot max,
// diamond mean) and is printed under the chart.
struct BoxStats {
  std::string label;
  size_t color = 0;
  double whisker_low = 0, box_low = 0, median = 0, box_high = 0, whisker_high = 0;
  std::optional<double> outlier;  // drawn as a dot (max)
  std::optional<double> mean;     // drawn as a diamond
};
std::string box_plot_chart(const std::vector<BoxStats>& boxes, const ChartFrame& f);

// RTT over time: x = seconds since the start, y = latency (ns), dots.
std::string time_series_chart(const std::vector<LineSeries>& series, const ChartFrame& f);

// Horizontal stacked bars: one per row, one segment per named part (ns).
struct StackedBar {
  std::string label;
  std::vector<std::optional<double>> parts;  // same order as the part names; unset = not measured
};
std::string stacked_bar_chart(const std::vector<StackedBar>& bars, const std::vector<std::string>& part_names,
                              const ChartFrame& f);

}  // namespace latlab::reports
