// The nightly HTML page: tonight's verdicts, then per gated metric its
// history, one point per night with its 95 % band, change points marked and
// verdicts coloured. One self-contained file (inline CSS and SVG, no script,
// nothing fetched): readable offline.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "reports/nightly.h"
#include "reports/svg_axis.h"
#include "reports/svg_text.h"

namespace latlab::reports {

namespace {

const char* verdict_color(NightVerdict v) {
  switch (v) {
    case NightVerdict::confirmed:
      return "#c62828";
    case NightVerdict::suspected:
      return "#ef6c00";
    case NightVerdict::improved:
      return "#2e7d32";
    case NightVerdict::ok:
      return "#455a64";
    case NightVerdict::expected:
      return "#6a1b9a";
    case NightVerdict::not_comparable:
    case NightVerdict::no_baseline:
      return "#9e9e9e";
    case NightVerdict::failed:
      return "#000000";
  }
  return "#000";
}

std::string css_class(NightVerdict v) {
  std::string s = night_verdict_name(v);
  std::replace(s.begin(), s.end(), ' ', '-');
  return s;
}

bool same_identity(const NightIdentity& a, const NightIdentity& b) {
  return a.host_fingerprint == b.host_fingerprint && a.kernel == b.kernel &&
         a.latlab_version == b.latlab_version && a.measurement == b.measurement;
}

// Change points of the whole history, segment by segment (a note or an
// identity change starts a new segment): the night each change begins.
std::vector<std::pair<int64_t, ChangePoint>> history_changes(const std::vector<NightPoint>& pts, Metric m,
                                                             ChangePointOptions cp, double floor) {
  std::vector<std::pair<int64_t, ChangePoint>> out;
  cp.log_scale = m != Metric::loss;
  if (!(cp.min_magnitude > 0)) cp.min_magnitude = floor;
  size_t i = 0;
  while (i < pts.size()) {
    size_t j = i + 1;
    while (j < pts.size() && pts[j].note.empty() && same_identity(pts[j].identity, pts[i].identity)) ++j;
    std::vector<double> z;
    std::vector<int64_t> nights;
    for (size_t k = i; k < j; ++k)
      if (pts[k].value.mean) {
        z.push_back(*pts[k].value.mean);
        nights.push_back(pts[k].night);
      }
    for (const auto& c : change_points(z, cp)) out.emplace_back(nights[c.index], c);
    i = j;
  }
  return out;
}

std::string history_chart(const std::string& id, const std::string& title, const std::vector<NightPoint>& pts,
                          Metric m, const ChangePointOptions& cp, double floor) {
  const double W = 720, H = 240, L = 70, R = 20, T = 24, B = 46;
  const bool latency = m != Metric::loss;
  double lo = 1e300, hi = -1e300;
  for (const auto& p : pts) {
    for (auto v : {p.value.low, p.value.center, p.value.high})
      if (v && (!latency || *v > 0)) {
        lo = std::min(lo, *v);
        hi = std::max(hi, *v);
      }
  }
  std::string out = fmt::format(
      "<svg id=\"{}\" class=\"chart history\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\">"
      "<title>{}</title>",
      xml_escape(id), W, H, W, H, xml_escape(title));
  if (pts.empty() || lo > hi) return out + "<text x=\"20\" y=\"40\">no values yet</text></svg>";
  if (lo == hi) {
    lo = latency ? lo * 0.9 : lo - 1;
    hi = latency ? hi * 1.1 : hi + 1;
  }
  nice_domain(lo, hi, latency, !latency);
  if (!latency) lo = std::min(lo, 0.0);
  Scale ys{lo, hi, H - B, T, latency};
  const double n = static_cast<double>(pts.size());
  Scale xs{-0.5, n - 0.5, L, W - R, false};
  std::vector<double> yt = latency ? log_ticks(lo, hi) : linear_ticks(lo, hi);
  std::vector<std::string> yl;
  TimeUnit u = time_unit_for(hi);
  for (double t : yt) yl.push_back(latency ? tick_label(t, u) : fmt_num(t, 2) + " %");
  std::vector<double> xt;
  std::vector<std::string> xl;
  size_t step = std::max<size_t>(1, pts.size() / 12);
  for (size_t i = 0; i < pts.size(); i += step) {
    xt.push_back(static_cast<double>(i));
    xl.push_back(std::to_string(pts[i].night));
  }
  out +=
      y_axis_svg(ys, yt, yl, L, W - R, latency ? std::string(metric_name(m)) + " (" + u.name + ")" : "loss");
  out += x_axis_svg(xs, xt, xl, H - B, T, "night");
  // The band: each night's 95 % interval.
  std::string band;
  for (size_t i = 0; i < pts.size(); ++i) {
    const auto& v = pts[i].value;
    if (!v.low || !v.high) continue;
    band += fmt::format(
        "<line class=\"band\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#90caf9\" "
        "stroke-width=\"6\" stroke-opacity=\"0.6\"/>",
        fmt_num(xs(static_cast<double>(i))), fmt_num(ys(*v.low)), fmt_num(ys(*v.high)));
  }
  out += "<g class=\"bands\">" + band + "</g>";
  // Change points: a dashed line before the first night of the new level.
  std::map<int64_t, size_t> index;
  for (size_t i = 0; i < pts.size(); ++i) index[pts[i].night] = i;
  for (const auto& [night, c] : history_changes(pts, m, cp, floor)) {
    double x = xs(static_cast<double>(index[night]) - 0.5);
    std::string label = latency ? fmt::format("{:+.0f} %", 100 * std::expm1(c.mean_after - c.mean_before))
                                : fmt::format("{:+.2f} pp", c.mean_after - c.mean_before);
    out += fmt::format(
        "<g class=\"change-point\" data-night=\"{0}\"><line x1=\"{1}\" y1=\"{2}\" x2=\"{1}\" y2=\"{3}\" "
        "stroke=\"#c62828\" stroke-dasharray=\"4 3\"/><text x=\"{4}\" y=\"{5}\" fill=\"#c62828\">change at "
        "night {0}: {6} (p {7:.1e})</text></g>",
        night, fmt_num(x), fmt_num(T), fmt_num(H - B), fmt_num(x + 3), fmt_num(T + 10), xml_escape(label),
        c.pvalue);
  }
  // Notes and the nights themselves, coloured by their verdict.
  for (size_t i = 0; i < pts.size(); ++i) {
    const auto& p = pts[i];
    double x = xs(static_cast<double>(i));
    if (!p.note.empty())
      out += fmt::format(
          "<g class=\"note\"><line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#6a1b9a\"/>"
          "<title>night {3}: {4}</title></g>",
          fmt_num(x), fmt_num(T), fmt_num(H - B), p.night, xml_escape(p.note));
    if (!p.value.center) continue;
    out += fmt::format(
        "<circle class=\"night {0}\" cx=\"{1}\" cy=\"{2}\" r=\"4\" fill=\"{3}\"><title>night {4}: {5} {6}"
        "</title></circle>",
        css_class(p.verdict), fmt_num(x), fmt_num(ys(*p.value.center)), verdict_color(p.verdict), p.night,
        latency ? format_ns(*p.value.center) : fmt_num(*p.value.center, 2) + " %",
        night_verdict_name(p.verdict));
  }
  return out + "</svg>";
}

}  // namespace

Result<std::string> render_night_html(store::SqliteStore& st, const NightReport& r,
                                      const ChangePointOptions& cp) {
  std::string title = fmt::format("latlab nightly: suite {}, night {}", r.night.suite, r.night.id);
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + xml_escape(title) +
      "</title><style>"
      "body{font:14px system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}"
      "table{border-collapse:collapse}td,th{padding:3px 8px;border-bottom:1px solid #ddd;text-align:left}"
      ".verdict{font-weight:600}.confirmed{color:#c62828}.suspected{color:#ef6c00}.improved{color:#2e7d32}"
      ".expected{color:#6a1b9a}.not-comparable,.no-baseline{color:#757575}.failed{color:#000}"
      "svg text{font:11px system-ui,sans-serif}.why{color:#555;font-size:12px}"
      "</style></head><body>\n";
  out += "<h1>" + xml_escape(title) + "</h1>\n";
  out += fmt::format("<p>Status {}; kernel {}; latlab {}; host {}. Exit code {}.</p>\n",
                     xml_escape(r.night.status), xml_escape(r.night.kernel),
                     xml_escape(r.night.latlab_version), xml_escape(r.night.host_fingerprint), r.exit_code());
  if (!r.night.note.empty()) out += "<p>Note: " + xml_escape(r.night.note) + "</p>\n";
  for (const auto& p : r.problems) out += "<p class=\"failed\">Problem: " + xml_escape(p) + "</p>\n";
  // Tonight's verdicts: the same lines as the text report.
  std::string text = render_night_text(r);
  out += "<h2>Tonight</h2>\n<pre>" + xml_escape(text) + "</pre>\n";
  out +=
      "<h2>History</h2>\n<p>One point per night: the night's value over its repetitions (geometric mean; "
      "loss: mean), its 95 % interval as a band, coloured by that night's verdict "
      "(<span class=\"confirmed\">confirmed</span>, <span class=\"suspected\">suspected</span>, "
      "<span class=\"improved\">improved</span>, ok, <span class=\"expected\">expected</span>, "
      "<span class=\"no-baseline\">no baseline / not comparable</span>). Dashed lines: change points "
      "(E-divisive means, t-test) within nights that are comparable; purple lines: notes.</p>\n";
  size_t k = 0;
  for (const auto& row : r.rows) {
    auto hist = metric_history(st, r.night.suite, row.scenario, row.experiment, row.metric);
    if (!hist.ok()) return hist.error();
    std::string name = row.scenario + "/" + row.experiment + " " + metric_name(row.metric);
    out += fmt::format("<h3>{} <span class=\"verdict {}\">{}</span></h3>\n", xml_escape(name),
                       css_class(row.decision.verdict), night_verdict_name(row.decision.verdict));
    if (!row.decision.reason.empty()) out += "<p class=\"why\">" + xml_escape(row.decision.reason) + "</p>\n";
    out +=
        history_chart(fmt::format("history-{}", k++), name, *hist, row.metric, cp, row.decision.floor) + "\n";
  }
  out += "</body></html>\n";
  return out;
}

}  // namespace latlab::reports
