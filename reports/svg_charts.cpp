#include "reports/svg_charts.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "reports/svg_axis.h"
#include "reports/svg_text.h"

namespace latlab::reports {

namespace {

constexpr double kLeft = 64, kRight = 16, kTop = 30, kBottom = 44;

std::string open_svg(const ChartFrame& f, const char* kind, size_t drawn) {
  return fmt::format(
      "<svg id=\"{0}\" class=\"chart {1}{2}{3}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{4}\" height=\"{5}\" "
      "viewBox=\"0 0 {4} {5}\" role=\"img\" aria-label=\"{6}\" data-points=\"{7}\" font-family=\"sans-serif\" "
      "font-size=\"11\"><title>{6}</title>"
      "<rect x=\"0\" y=\"0\" width=\"{4}\" height=\"{5}\" fill=\"#fff\"/>"
      "<text class=\"chart-title\" x=\"{8}\" y=\"18\" text-anchor=\"middle\" font-size=\"13\">{6}</text>",
      xml_escape(f.id), kind, f.extra_class.empty() ? "" : " ", xml_escape(f.extra_class), f.width, f.height,
      xml_escape(f.title), drawn, f.width / 2);
}

std::string no_data(const ChartFrame& f, const char* kind, const std::string& why) {
  return open_svg(f, kind, 0) +
         fmt::format("<text class=\"no-data\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#888\">{}</text></svg>\n",
                     f.width / 2, f.height / 2, xml_escape(why));
}

std::string legend(const std::vector<std::pair<std::string, size_t>>& items, double x_right, double y) {
  std::string out = "<g class=\"legend\">";
  double yy = y;
  for (const auto& [label, color] : items) {
    out += fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{}\" y=\"{}\" "
        "text-anchor=\"end\">{}</text>",
        fmt_num(x_right - 10), fmt_num(yy), series_color(color), fmt_num(x_right - 14), fmt_num(yy + 9),
        xml_escape(label));
    yy += 14;
  }
  return out + "</g>";
}

std::vector<std::string> time_labels(const std::vector<double>& ticks, const TimeUnit& u) {
  std::vector<std::string> out;
  out.reserve(ticks.size());
  for (double t : ticks) out.push_back(tick_label(t, u));
  return out;
}

std::vector<std::string> plain_labels(const std::vector<double>& ticks, int decimals) {
  std::vector<std::string> out;
  for (double t : ticks) out.push_back(fmt_num(t, decimals));
  return out;
}

// A latency scale over [lo, hi] with its ticks and labels.
struct TimeAxis {
  Scale scale;
  std::vector<double> ticks;
  std::vector<std::string> labels;
  std::string title;
};

TimeAxis time_axis(double lo, double hi, bool log, double r0, double r1, const std::string& what) {
  TimeAxis a;
  nice_domain(lo, hi, log, !log);
  a.scale = Scale{lo, hi, r0, r1, log};
  a.ticks = log ? log_ticks(lo, hi) : linear_ticks(lo, hi, 6);
  const TimeUnit u = time_unit_for(hi);
  a.labels = time_labels(a.ticks, u);
  a.title = fmt::format("{} ({}{})", what, u.name, log ? ", log" : "");
  return a;
}

bool usable(double v, bool log) { return std::isfinite(v) && (!log || v > 0); }

}  // namespace

std::string series_color(size_t i) {
  static const char* const kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                        "#9467bd", "#8c564b", "#e377c2", "#17becf"};
  return kColors[i % (sizeof kColors / sizeof kColors[0])];
}

std::vector<std::pair<double, double>> downsample(const std::vector<std::pair<double, double>>& pts, size_t max) {
  if (pts.size() <= max || max < 2) return pts;
  std::vector<std::pair<double, double>> out;
  out.reserve(max);
  const double step = static_cast<double>(pts.size() - 1) / static_cast<double>(max - 1);
  for (size_t i = 0; i < max; ++i) {
    out.push_back(pts[std::min(pts.size() - 1, static_cast<size_t>(std::llround(static_cast<double>(i) * step)))]);
  }
  return out;
}

std::string cdf_chart(const std::vector<LineSeries>& series, const ChartFrame& f) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  size_t n = 0;
  for (const auto& s : series) {
    for (const auto& [x, y] : s.points) {
      if (!usable(x, f.log)) continue;
      lo = std::min(lo, x);
      hi = std::max(hi, x);
      ++n;
    }
  }
  if (n == 0) return no_data(f, "cdf", "no RTT samples");
  const double pb = f.height - kBottom;
  const TimeAxis xa = time_axis(lo, hi, f.log, kLeft, f.width - kRight, "RTT");
  const Scale ys{0, 1, pb, kTop, false};
  const auto yt = linear_ticks(0, 1, 5);
  size_t drawn = 0;
  std::string body;
  std::vector<std::pair<std::string, size_t>> leg;
  for (const auto& s : series) {
    const auto pts = downsample(s.points, kMaxCdfPoints);
    std::string d;
    double prev_y = 0;
    bool first = true;
    for (const auto& [x, y] : pts) {
      if (!usable(x, f.log)) continue;
      const double px = xa.scale(x), py = ys(std::clamp(y, 0.0, 1.0));
      if (first) {
        d += fmt::format("M{} {}", fmt_num(px, 1), fmt_num(ys(0), 1));
        first = false;
      }
      // Step: horizontal at the previous fraction, then up.
      d += fmt::format("H{}V{}", fmt_num(px, 1), fmt_num(py, 1));
      prev_y = py;
      ++drawn;
    }
    (void)prev_y;
    if (d.empty()) continue;
    body += fmt::format("<path class=\"series\" d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.6\"><title>{}</title></path>",
                        d, series_color(s.color), xml_escape(s.label));
    leg.emplace_back(s.label, s.color);
  }
  std::string out = open_svg(f, "cdf", drawn);
  out += x_axis_svg(xa.scale, xa.ticks, xa.labels, pb, kTop, xa.title);
  out += y_axis_svg(ys, yt, plain_labels(yt, 2), kLeft, f.width - kRight, "fraction of replies");
  out += body;
  out += legend(leg, f.width - kRight - 4, pb - 14.0 * static_cast<double>(leg.size()) - 6);
  return out + "</svg>\n";
}

std::string histogram_chart(const std::vector<double>& edges_ns, const std::vector<uint64_t>& counts_in, size_t color,
                            const ChartFrame& f) {
  if (counts_in.empty() || edges_ns.size() != counts_in.size() + 1) return no_data(f, "histogram", "no histogram");
  // Merge neighbours down to the cap.
  std::vector<double> edges;
  std::vector<uint64_t> counts;
  const size_t k = (counts_in.size() + kMaxHistogramBins - 1) / kMaxHistogramBins;
  for (size_t i = 0; i < counts_in.size(); i += k) {
    edges.push_back(edges_ns[i]);
    uint64_t c = 0;
    for (size_t j = i; j < std::min(i + k, counts_in.size()); ++j) c += counts_in[j];
    counts.push_back(c);
  }
  edges.push_back(edges_ns.back());
  // Trim empty bins at both ends so the bars fill the chart.
  size_t first = 0, last = counts.size();
  while (first < last && counts[first] == 0) ++first;
  while (last > first && counts[last - 1] == 0) --last;
  if (first == last) return no_data(f, "histogram", "no RTT samples");
  double lo = edges[first], hi = edges[last];
  if (f.log && !(lo > 0)) {
    lo = hi;
    for (size_t i = first; i <= last; ++i) {
      if (edges[i] > 0) lo = std::min(lo, edges[i]);
    }
  }
  uint64_t cmax = 0;
  for (size_t i = first; i < last; ++i) cmax = std::max(cmax, counts[i]);
  const double pb = f.height - kBottom;
  const TimeAxis xa = time_axis(lo, hi, f.log, kLeft, f.width - kRight, "RTT");
  double ylo = 0, yhi = static_cast<double>(cmax);
  nice_domain(ylo, yhi, false, true);
  const Scale ys{0, yhi, pb, kTop, false};
  auto yt = linear_ticks(0, yhi, 5);
  std::string body;
  size_t drawn = 0;
  const TimeUnit u = time_unit_for(hi);
  for (size_t i = first; i < last; ++i) {
    if (counts[i] == 0) continue;
    const double x0 = xa.scale(std::max(edges[i], f.log ? lo : edges[i]));
    const double x1 = xa.scale(edges[i + 1]);
    const double y = ys(static_cast<double>(counts[i]));
    body += fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}–{} {}: {}</title></rect>",
        fmt_num(x0, 1), fmt_num(y, 1), fmt_num(std::max(0.5, x1 - x0 - 0.3), 1), fmt_num(pb - y, 1),
        series_color(color), tick_label(edges[i], u), tick_label(edges[i + 1], u), u.name, counts[i]);
    ++drawn;
  }
  std::string out = open_svg(f, "histogram", drawn);
  out += x_axis_svg(xa.scale, xa.ticks, xa.labels, pb, kTop, xa.title);
  out += y_axis_svg(ys, yt, plain_labels(yt, 0), kLeft, f.width - kRight, "replies");
  return out + body + "</svg>\n";
}

std::string box_plot_chart(const std::vector<BoxStats>& boxes, const ChartFrame& f) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& b : boxes) {
    for (double v : {b.whisker_low, b.box_low, b.median, b.box_high, b.whisker_high, b.outlier.value_or(b.median)}) {
      if (!usable(v, f.log)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  if (boxes.empty() || !std::isfinite(lo)) return no_data(f, "boxplot", "no RTT samples");
  const double pb = f.height - kBottom;
  const TimeAxis ya = time_axis(lo, hi, f.log, pb, kTop, "RTT");
  const double plot_w = f.width - kLeft - kRight;
  const double slot = plot_w / static_cast<double>(boxes.size());
  const double bw = std::min(60.0, slot * 0.5);
  std::string body;
  std::vector<std::string> labels;
  std::vector<double> label_pos;
  const TimeUnit u = time_unit_for(hi);
  for (size_t i = 0; i < boxes.size(); ++i) {
    const auto& b = boxes[i];
    const double cx = kLeft + slot * (static_cast<double>(i) + 0.5);
    const auto Y = [&](double v) { return fmt_num(ya.scale(v), 1); };
    const std::string c = series_color(b.color);
    body += fmt::format("<g class=\"box\"><title>{}: min–p99 {}–{} {u}, p25–p75 {}–{} {u}, p50 {} {u}{}{}</title>",
                        xml_escape(b.label), tick_label(b.whisker_low, u), tick_label(b.whisker_high, u),
                        tick_label(b.box_low, u), tick_label(b.box_high, u), tick_label(b.median, u),
                        b.mean ? ", mean " + tick_label(*b.mean, u) + " " + u.name : "",
                        b.outlier ? ", max " + tick_label(*b.outlier, u) + " " + u.name : "", fmt::arg("u", u.name));
    body += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#333\"/>", fmt_num(cx, 1),
                        Y(b.whisker_low), Y(b.whisker_high));
    for (double w : {b.whisker_low, b.whisker_high}) {
      body += fmt::format("<line x1=\"{0}\" y1=\"{2}\" x2=\"{1}\" y2=\"{2}\" stroke=\"#333\"/>", fmt_num(cx - bw / 4, 1),
                          fmt_num(cx + bw / 4, 1), Y(w));
    }
    const double top = ya.scale(b.box_high), bottom = ya.scale(b.box_low);
    body += fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" fill-opacity=\"0.35\" stroke=\"{}\"/>",
        fmt_num(cx - bw / 2, 1), fmt_num(top, 1), fmt_num(bw, 1), fmt_num(std::max(1.0, bottom - top), 1), c, c);
    body += fmt::format("<line x1=\"{0}\" y1=\"{2}\" x2=\"{1}\" y2=\"{2}\" stroke=\"{3}\" stroke-width=\"2.5\"/>",
                        fmt_num(cx - bw / 2, 1), fmt_num(cx + bw / 2, 1), Y(b.median), c);
    if (b.outlier && usable(*b.outlier, f.log)) {
      body += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"none\" stroke=\"#333\"/>", fmt_num(cx, 1),
                          Y(*b.outlier));
    }
    if (b.mean && usable(*b.mean, f.log)) {
      const double my = ya.scale(*b.mean);
      body += fmt::format("<path d=\"M{0} {1}l4 4l-4 4l-4 -4z\" fill=\"#333\"/>", fmt_num(cx, 1), fmt_num(my - 4, 1));
    }
    body += "</g>";
    body += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>", fmt_num(cx, 1), fmt_num(pb + 16),
                        xml_escape(b.label.size() > 40 ? b.label.substr(0, 38) + ".." : b.label));
  }
  std::string out = open_svg(f, "boxplot", boxes.size());
  out += y_axis_svg(ya.scale, ya.ticks, ya.labels, kLeft, f.width - kRight, ya.title);
  out += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#333\"/>", kLeft, fmt_num(pb),
                     f.width - kRight, fmt_num(pb));
  return out + body + "</svg>\n";
}

std::string time_series_chart(const std::vector<LineSeries>& series, const ChartFrame& f) {
  double xlo = std::numeric_limits<double>::infinity(), xhi = -xlo, ylo = xlo, yhi = -xlo;
  size_t n = 0;
  for (const auto& s : series) {
    for (const auto& [x, y] : s.points) {
      if (!std::isfinite(x) || !usable(y, f.log)) continue;
      xlo = std::min(xlo, x);
      xhi = std::max(xhi, x);
      ylo = std::min(ylo, y);
      yhi = std::max(yhi, y);
      ++n;
    }
  }
  if (n == 0) return no_data(f, "timeseries", "no RTT samples");
  const double pb = f.height - kBottom;
  nice_domain(xlo, xhi, false, true);
  const Scale xs{xlo, xhi, kLeft, f.width - kRight, false};
  const auto xt = linear_ticks(xlo, xhi, 6);
  const TimeAxis ya = time_axis(ylo, yhi, f.log, pb, kTop, "RTT");
  std::string body;
  size_t drawn = 0;
  std::vector<std::pair<std::string, size_t>> leg;
  for (const auto& s : series) {
    const auto pts = downsample(s.points, kMaxTimePoints);
    std::string d;
    for (const auto& [x, y] : pts) {
      if (!std::isfinite(x) || !usable(y, f.log)) continue;
      d += fmt::format("M{} {}h0", fmt_num(xs(x), 1), fmt_num(ya.scale(y), 1));
      ++drawn;
    }
    if (d.empty()) continue;
    body += fmt::format(
        "<path class=\"series\" d=\"{}\" stroke=\"{}\" stroke-width=\"3\" stroke-linecap=\"round\" "
        "stroke-opacity=\"0.7\"><title>{}</title></path>",
        d, series_color(s.color), xml_escape(s.label));
    leg.emplace_back(s.label, s.color);
  }
  std::string out = open_svg(f, "timeseries", drawn);
  out += x_axis_svg(xs, xt, plain_labels(xt, 3), pb, kTop, "time since start (s)");
  out += y_axis_svg(ya.scale, ya.ticks, ya.labels, kLeft, f.width - kRight, ya.title);
  out += body;
  if (leg.size() > 1) out += legend(leg, f.width - kRight - 4, kTop + 4);
  return out + "</svg>\n";
}

std::string stacked_bar_chart(const std::vector<StackedBar>& bars, const std::vector<std::string>& part_names,
                              const ChartFrame& f) {
  double hi = 0;
  for (const auto& b : bars) {
    double sum = 0;
    for (const auto& p : b.parts) {
      if (p && std::isfinite(*p) && *p > 0) sum += *p;
    }
    hi = std::max(hi, sum);
  }
  if (bars.empty() || hi <= 0) return no_data(f, "stackedbar", "no time split available");
  const double left = 170;
  const double legend_h = 22;
  const double pb = f.height - kBottom;
  const double row = (pb - kTop - legend_h) / static_cast<double>(bars.size());
  const double bh = std::min(28.0, row * 0.7);
  double lo = 0;
  nice_domain(lo, hi, false, true);
  const Scale xs{0, hi, left, f.width - kRight, false};
  const auto xt = linear_ticks(0, hi, 6);
  const TimeUnit u = time_unit_for(hi);
  std::string body;
  size_t drawn = 0;
  for (size_t i = 0; i < bars.size(); ++i) {
    const double y = kTop + legend_h + row * static_cast<double>(i) + (row - bh) / 2;
    double x = 0;
    body += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", fmt_num(left - 6), fmt_num(y + bh / 2 + 4),
                        xml_escape(bars[i].label.size() > 28 ? bars[i].label.substr(0, 26) + ".." : bars[i].label));
    for (size_t p = 0; p < bars[i].parts.size() && p < part_names.size(); ++p) {
      const auto& v = bars[i].parts[p];
      if (!v || !std::isfinite(*v) || *v <= 0) continue;
      body += fmt::format(
          "<rect class=\"part\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}: {}: {} {}</title></rect>",
          fmt_num(xs(x), 1), fmt_num(y, 1), fmt_num(std::max(0.5, xs(x + *v) - xs(x)), 1), fmt_num(bh, 1),
          series_color(p + 4), xml_escape(bars[i].label), xml_escape(part_names[p]), tick_label(*v, u), u.name);
      x += *v;
      ++drawn;
    }
  }
  std::string out = open_svg(f, "stackedbar", drawn);
  out += x_axis_svg(xs, xt, time_labels(xt, u), pb, kTop + legend_h, fmt::format("median time ({})", u.name));
  std::string leg = "<g class=\"legend\">";
  double lx = left;
  for (size_t p = 0; p < part_names.size(); ++p) {
    leg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{}\" y=\"{}\">{}</text>",
                       fmt_num(lx), kTop, series_color(p + 4), fmt_num(lx + 14), kTop + 9, xml_escape(part_names[p]));
    lx += 24 + 6.5 * static_cast<double>(part_names[p].size());
  }
  leg += "</g>";
  return out + leg + body + "</svg>\n";
}

}  // namespace latlab::reports
