#include "reports/html.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <functional>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "reports/flame_graph.h"
#include "reports/render.h"
#include "reports/svg_charts.h"
#include "reports/svg_text.h"

namespace latlab::reports {

namespace {

std::string esc(const std::string& s) { return xml_escape(s); }

std::string us(const std::optional<double>& ns) { return ns ? format_us(*ns) : "–"; }

std::string with_ci(const std::optional<double>& v, const std::optional<Interval>& ci) {
  if (!v) return "–";
  std::string s = format_us(*v);
  if (ci) s += fmt::format(" <span class=\"ci\">[{}, {}]</span>", format_us(ci->low), format_us(ci->high));
  return s;
}

std::string iso_time(int64_t ns) {
  if (ns <= 0) return "–";
  const std::time_t t = static_cast<std::time_t>(ns / 1000000000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

const ExperimentReport* find_baseline(const Report& r) {
  if (r.baseline.empty()) return nullptr;
  for (const auto& e : r.experiments) {
    if (e.label == r.baseline) return &e;
  }
  return nullptr;
}

// The reference of the differential flame graphs.
const ExperimentReport* flame_reference(const Report& r) {
  const ExperimentReport* b = find_baseline(r);
  if (b && !b->stacks.empty()) return b;
  for (const auto& e : r.experiments) {
    if (!e.stacks.empty()) return &e;
  }
  return nullptr;
}

// p-quantile interpolated on the (ns, fraction) CDF points; nullopt without points.
std::optional<double> cdf_quantile(const std::vector<std::pair<double, double>>& cdf, double q) {
  if (cdf.empty()) return std::nullopt;
  if (q <= cdf.front().second) return cdf.front().first;
  for (size_t i = 1; i < cdf.size(); ++i) {
    if (cdf[i].second >= q) {
      const auto [x0, y0] = cdf[i - 1];
      const auto [x1, y1] = cdf[i];
      return y1 > y0 ? x0 + (x1 - x0) * (q - y0) / (y1 - y0) : x1;
    }
  }
  return cdf.back().first;
}

constexpr const char* kCss = R"CSS(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 24px 40px;color:#222;background:#fafafa}
h1{font-size:22px;margin:18px 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ccc;padding-bottom:3px}
h3{font-size:15px;margin:18px 0 6px}
table{border-collapse:collapse;margin:6px 0 10px;background:#fff;font-size:13px}
th,td{border:1px solid #ddd;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f0f0f0}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.baseline td{background:#eef5ff}tr.flag td{background:#fff0f0}tr.diff td{background:#fff6d5}
.ci{color:#777;font-size:11px}.muted{color:#777}.warn{color:#a40}.bad{color:#b00;font-weight:bold}.good{color:#070;font-weight:bold}
.charts{display:flex;flex-wrap:wrap;gap:10px}.charts svg{border:1px solid #ddd;background:#fff}
body:not(.log) .scale-log{display:none}body.log .scale-lin{display:none}
.controls{position:sticky;top:0;background:#fafafa;padding:6px 0;z-index:2;border-bottom:1px solid #eee}
svg.flame{border:1px solid #ddd;display:block;max-width:100%;height:auto}
svg.flame g.fr:hover rect{stroke:#000;stroke-width:.5}svg.flame g.fr{cursor:pointer}
.flamebox{margin:8px 0 24px}.flamebox input{width:260px}
#status{margin-top:24px;font-family:monospace}
)CSS";

// The page script: log toggle, flame graph hover/zoom/search, and a status
// line written only after everything ran and the charts were counted.
constexpr const char* kScript = R"JS(
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('latlab-data').textContent);
  var cb = document.getElementById('logscale');
  cb.addEventListener('change', function () { document.body.classList.toggle('log', cb.checked); });

  function setupFlame(svg) {
    var xpad = +svg.getAttribute('data-xpad'), fs = +svg.getAttribute('data-fs');
    var total = +svg.getAttribute('data-total');
    var usable = +svg.getAttribute('width') - 2 * xpad;
    var details = svg.querySelector('.fl-details'), unzoomBtn = svg.querySelector('.fl-unzoom');
    var matchedTxt = svg.querySelector('.fl-matched');
    var frames = Array.prototype.slice.call(svg.querySelectorAll('g.fr'));
    frames.forEach(function (g) {
      g.fs = +g.getAttribute('data-s'); g.fw = +g.getAttribute('data-w'); g.fd = +g.getAttribute('data-d');
      g.rect = g.querySelector('rect'); g.label = g.querySelector('text');
      var title = g.querySelector('title').textContent;
      g.fname = title.split('\n')[0];
      g.info = title.replace('\n', ' — ');
      g.fill = g.rect.getAttribute('fill');
      g.addEventListener('mouseover', function () { details.textContent = g.info; });
      g.addEventListener('mouseout', function () { details.textContent = ' '; });
      g.addEventListener('click', function () { zoom(g); });
    });
    function place(g, x, w) {
      g.rect.setAttribute('x', x.toFixed(2)); g.rect.setAttribute('width', w.toFixed(2));
      g.label.setAttribute('x', (x + 3).toFixed(2));
      var fit = Math.floor((w - 6) / (0.59 * fs)), n = g.fname;
      g.label.textContent = fit < 3 ? '' : (n.length <= fit ? n : n.substring(0, fit - 2) + '..');
    }
    function zoom(z) {
      var S = z.fs, W = Math.max(1, z.fw), D = z.fd;
      frames.forEach(function (g) {
        if (g.fd < D && g.fs <= S && g.fs + g.fw >= S + W) {
          g.style.display = ''; g.style.opacity = '0.6'; place(g, xpad, usable);
        } else if (g.fd >= D && g.fs >= S && g.fs + g.fw <= S + W) {
          g.style.display = ''; g.style.opacity = '';
          place(g, xpad + (g.fs - S) / W * usable, g.fw / W * usable);
        } else {
          g.style.display = 'none';
        }
      });
      unzoomBtn.style.opacity = D > 0 ? '1' : '0';
    }
    unzoomBtn.addEventListener('click', function () { zoom(frames[0]); });
    var input = document.querySelector('input.fl-search[data-for="' + svg.id + '"]');
    var out = document.querySelector('span.fl-search-out[data-for="' + svg.id + '"]');
    if (input) input.addEventListener('input', function () { search(input.value); });
    function search(term) {
      var re = null;
      if (term) {
        try { re = new RegExp(term); } catch (e) { re = new RegExp(term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')); }
      }
      var spans = [];
      frames.forEach(function (g) {
        var hit = re !== null && g.fd > 0 && re.test(g.fname);
        g.rect.setAttribute('fill', hit ? 'rgb(230,0,230)' : g.fill);
        if (hit) spans.push([g.fs, g.fs + g.fw]);
      });
      // Share of the total under matched frames, nested matches counted once.
      spans.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
      var sum = 0, end = -1;
      spans.forEach(function (s) {
        if (s[0] >= end) { sum += s[1] - s[0]; end = s[1]; }
        else if (s[1] > end) { sum += s[1] - end; end = s[1]; }
      });
      var text = re === null ? ' ' : 'Matched: ' + (total > 0 ? (100 * sum / total).toFixed(1) : '0') + '%';
      matchedTxt.textContent = text;
      if (out) out.textContent = text;
    }
  }
  var flames = document.querySelectorAll('svg.flame');
  Array.prototype.forEach.call(flames, setupFlame);

  var charts = document.querySelectorAll('svg.chart');
  var empty = [];
  Array.prototype.forEach.call(charts, function (c) {
    if (!c.querySelector('title') || c.childElementCount < 3) empty.push(c.id);
  });
  var status = document.getElementById('status');
  if (charts.length === data.expected_charts && flames.length === data.expected_flames && empty.length === 0) {
    status.textContent = 'ok: ' + charts.length + ' charts, ' + flames.length + ' flame graphs';
    document.body.setAttribute('data-ok', '1');
  } else {
    status.textContent = 'error: ' + charts.length + '/' + data.expected_charts + ' charts, ' + flames.length + '/' +
        data.expected_flames + ' flame graphs, empty: ' + empty.join(',');
  }
})();
)JS";

class Page {
 public:
  explicit Page(const Report& r) : r_(r), baseline_(find_baseline(r)) {}

  std::string render() {
    header();
    summary();
    distributions();
    time_split();
    under_load();
    counters();
    captures();
    environment();
    groups();
    flames();
    footer();
    return std::move(out_);
  }

 private:
  void header() {
    std::string scenario = r_.runs.empty() ? std::string("no run") : r_.runs.front().scenario;
    out_ += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
    out_ += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
    out_ += "<title>latlab report: " + esc(scenario) + "</title><style>" + std::string(kCss) + "</style></head>\n";
    const HtmlCounts c = expected_html_counts(r_);
    out_ += fmt::format("<body data-expected-charts=\"{}\" data-expected-flames=\"{}\">\n", c.charts, c.flames);
    out_ += "<h1>latlab report: " + esc(scenario) + "</h1>\n";
    out_ += "<table><tr><th>run</th><th>scenario</th><th>status</th><th>started</th><th>ended</th><th>latlab</th></tr>";
    for (const auto& run : r_.runs) {
      out_ += fmt::format("<tr><td class=\"n\">{}</td><td>{}</td><td{}>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                          run.id, esc(run.scenario), run.status == "complete" || run.status == "completed" ? "" : " class=\"warn\"",
                          esc(run.status), iso_time(run.started_ns), run.ended_ns ? iso_time(*run.ended_ns) : "–",
                          esc(run.latlab_version));
    }
    out_ += "</table>\n";
    out_ += "<div class=\"controls\"><label><input type=\"checkbox\" id=\"logscale\"> log scale for latency axes</label>";
    if (baseline_) out_ += " &nbsp; baseline: <b>" + esc(baseline_->label) + "</b>";
    out_ += "</div>\n";
    if (!r_.warnings.empty()) {
      out_ += "<ul class=\"warn\">";
      for (const auto& w : r_.warnings) out_ += "<li>" + esc(w) + "</li>";
      out_ += "</ul>\n";
    }
  }

  void stats_table(bool kernel) {
    out_ += "<table><tr><th>experiment</th>";
    if (!kernel) out_ += "<th>probe</th><th>path</th><th>from</th><th>wait</th><th>reps</th>";
    out_ +=
        "<th>samples</th><th>loss</th><th>late</th><th>warm-up excl.</th><th>min</th><th>p50 [CI]</th><th>mean</th>"
        "<th>p90</th><th>p99 [CI]</th><th>p99.9</th><th>max</th><th>stddev</th><th>jitter</th>";
    if (!kernel) out_ += "<th>Δp50 vs baseline</th><th>% of baseline</th><th>p50 verdict</th>";
    out_ += "</tr>\n";
    for (const auto& e : r_.experiments) {
      const LatencyStats& s = kernel ? e.kernel : e.user;
      if (kernel && s.received == 0) continue;
      const bool is_base = baseline_ == &e;
      out_ += fmt::format("<tr{}><td>{}{}</td>", is_base ? " class=\"baseline\"" : "", esc(e.label),
                          is_base ? " <span class=\"muted\">(baseline)</span>" : "");
      if (!kernel) {
        out_ += fmt::format("<td>{}</td><td>{}</td><td>{}{}</td><td>{}</td><td class=\"n\">{}</td>", esc(e.probe),
                            esc(e.path_kind), esc(e.from_node), e.from_kind.empty() ? "" : " (" + esc(e.from_kind) + ")",
                            esc(wait_label(e.how)), e.repetitions);
      }
      out_ += fmt::format(
          "<td class=\"n\">{}</td><td class=\"n{}\">{} ({}%)</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
          "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
          "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
          "<td class=\"n\">{}</td>",
          s.samples, s.lost ? " bad" : "", s.lost, fmt_num(s.loss_pct(), 2), s.late, s.warmup_excluded, us(s.min),
          with_ci(s.p50, s.p50_ci), us(s.mean), us(s.p90), with_ci(s.p99, s.p99_ci), us(s.p999), us(s.max),
          us(s.stddev), us(s.jitter));
      if (!kernel) {
        std::string delta = e.delta_p50_ns ? (*e.delta_p50_ns > 0 ? "+" : "") + format_us(*e.delta_p50_ns) : "–";
        std::string verdict = "–";
        if (const Comparison* c = e.verdict(Metric::p50)) {
          const char* cls = c->verdict == Verdict::worse ? "bad" : c->verdict == Verdict::better ? "good" : "muted";
          verdict = fmt::format("<span class=\"{}\">{}</span>", cls, esc(verdict_label(*c)));
        }
        out_ += fmt::format("<td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td>", delta,
                            e.ratio_p50_pct ? fmt_num(*e.ratio_p50_pct, 0) + " %" : "–", verdict);
      }
      out_ += "</tr>\n";
    }
    out_ += "</table>\n";
  }

  void summary() {
    out_ += "<h2 id=\"summary\">Summary: user-space RTT (µs)</h2>\n";
    stats_table(false);
    out_ += "<p class=\"muted\">p50 and p99 with their 95 % confidence intervals over the repetitions (the "
            "independent unit); jitter = RFC 3393 IPDV (mean absolute difference of consecutive RTTs); warm-up samples "
            "excluded and counted; wait = how the probe / the responder waited (block sleeps, spin busy-polls).</p>\n";
    std::vector<const ExperimentReport*> compared;
    for (const auto& e : r_.experiments)
      if (!e.vs_baseline.empty()) compared.push_back(&e);
    if (!compared.empty()) {
      out_ += "<h3>Against the baseline, over repetitions</h3>\n";
      plain_table(comparisons_table(compared, ""));
    }
    if (auto reps = repetitions_table(r_, Unit{"µs", 1e3, 1})) {
      out_ += "<h3>Repetitions: p50 of each (µs)</h3>\n";
      plain_table(*reps);
    }
    bool any_kernel = false;
    for (const auto& e : r_.experiments) any_kernel = any_kernel || e.kernel.received > 0;
    if (any_kernel) {
      out_ += "<h3>Kernel-stamped RTT (µs)</h3>\n";
      stats_table(true);
    }
    bool any_error = false;
    for (const auto& e : r_.experiments) any_error = any_error || !e.errors.empty();
    if (any_error) {
      out_ += "<h3>Errors</h3><ul>";
      for (const auto& e : r_.experiments) {
        for (const auto& err : e.errors) out_ += "<li class=\"bad\">" + esc(e.label) + ": " + esc(err) + "</li>";
      }
      out_ += "</ul>\n";
    }
  }

  // A renderer-neutral table (render.h) as HTML; verdict cells coloured.
  void plain_table(const Table& t) {
    out_ += "<table><tr>";
    for (const auto& c : t.columns) out_ += "<th>" + esc(c) + "</th>";
    out_ += "</tr>\n";
    for (const auto& row : t.rows) {
      out_ += "<tr>";
      for (size_t i = 0; i < row.size(); ++i) {
        const std::string& cell = row[i];
        std::string cls = i < t.right.size() && t.right[i] ? "n" : "";
        if (cell == "worse") cls = "bad";
        if (cell == "better") cls = "good";
        out_ += (cls.empty() ? "<td>" : "<td class=\"" + cls + "\">") + esc(cell) + "</td>";
      }
      out_ += "</tr>\n";
    }
    out_ += "</table>\n";
    for (const auto& n : t.notes) out_ += "<p class=\"muted\">" + esc(n) + "</p>\n";
  }

  void both_scales(const std::function<std::string(const ChartFrame&)>& draw, ChartFrame f) {
    const std::string base_id = f.id;
    f.id = base_id + "-lin";
    f.extra_class = "scale-lin";
    f.log = false;
    out_ += draw(f);
    f.id = base_id + "-log";
    f.extra_class = "scale-log";
    f.log = true;
    out_ += draw(f);
  }

  void distributions() {
    out_ += "<h2 id=\"distributions\">Distributions</h2>\n<div class=\"charts\">";
    std::vector<LineSeries> cdfs;
    std::vector<BoxStats> boxes;
    for (size_t i = 0; i < r_.experiments.size(); ++i) {
      const auto& e = r_.experiments[i];
      cdfs.push_back({e.label, i, e.dist.cdf});
      const auto& s = e.user;
      if (s.min && s.p50 && s.max) {
        BoxStats b;
        b.label = e.label;
        b.color = i;
        b.whisker_low = *s.min;
        b.median = *s.p50;
        b.whisker_high = s.p99.value_or(*s.max);
        b.box_low = cdf_quantile(e.dist.cdf, 0.25).value_or(*s.p50);
        b.box_high = cdf_quantile(e.dist.cdf, 0.75).value_or(*s.p50);
        b.outlier = s.max;
        b.mean = s.mean;
        boxes.push_back(std::move(b));
      }
    }
    both_scales([&](const ChartFrame& f) { return cdf_chart(cdfs, f); },
                {"cdf-all", "CDF of user-space RTT, all experiments", "", 640, 320, false});
    both_scales([&](const ChartFrame& f) { return box_plot_chart(boxes, f); },
                {"box", "RTT box plots", "", std::max<int>(420, 120 * static_cast<int>(boxes.size()) + 100), 320, false});
    out_ += "</div><p class=\"muted\">Box plots: box = p25–p75 (interpolated on the stored CDF), thick line = p50, "
            "whiskers = min–p99, circle = max, diamond = mean.</p>\n";
    for (size_t i = 0; i < r_.experiments.size(); ++i) {
      const auto& e = r_.experiments[i];
      out_ += "<h3>" + esc(e.label) + "</h3><div class=\"charts\">";
      const std::string id = fmt::format("e{}", i);
      both_scales([&](const ChartFrame& f) { return cdf_chart({{e.label, i, e.dist.cdf}}, f); },
                  {"cdf-" + id, "CDF: " + e.label, "", 440, 260, false});
      both_scales([&](const ChartFrame& f) { return histogram_chart(e.dist.edges_ns, e.dist.counts, i, f); },
                  {"hist-" + id, "Histogram: " + e.label, "", 440, 260, false});
      both_scales([&](const ChartFrame& f) { return time_series_chart({{e.label, i, e.dist.over_time}}, f); },
                  {"time-" + id, "RTT over time: " + e.label, "", 440, 260, false});
      out_ += "</div>\n";
    }
  }

  void time_split() {
    out_ += "<h2 id=\"split\">Where the time goes (medians, µs)</h2>\n";
    // The last part is what the medians do not explain (e.g. the kernel RTT
    // when no capture split it into stack and wire), so each bar adds up to
    // the median user RTT.
    const std::vector<std::string> parts = {"user-space overhead", "local stack", "wire", "peer",
                                            "not split (no capture)"};
    std::vector<StackedBar> bars;
    for (const auto& e : r_.experiments) {
      const auto& s = e.split;
      std::optional<double> rest;
      if (s.total_user) {
        double known = s.user_overhead.value_or(0) + s.local_stack.value_or(0) + s.wire.value_or(0) + s.peer.value_or(0);
        if (*s.total_user - known > 0 && (!s.wire || !s.local_stack)) rest = *s.total_user - known;
      }
      bars.push_back({e.label, {s.user_overhead, s.local_stack, s.wire, s.peer, rest}});
    }
    out_ += "<div class=\"charts\">";
    out_ += stacked_bar_chart(bars, parts,
                              {"split", "Where the time goes", "", 900,
                               std::max(160, 60 + 40 * static_cast<int>(bars.size()) + 50), false});
    out_ += "</div>\n<table><tr><th>experiment</th><th>wait</th><th>user-space overhead</th><th>local stack</th>"
            "<th>wire</th><th>peer</th><th>total (user RTT)</th><th>note</th></tr>\n";
    for (const auto& e : r_.experiments) {
      const auto& s = e.split;
      out_ += fmt::format(
          "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
          "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"muted\">{}</td></tr>\n",
          esc(e.label), esc(wait_label(e.how)), us(s.user_overhead), us(s.local_stack), us(s.wire), us(s.peer), us(s.total_user), esc(s.note));
    }
    out_ += "</table>\n<p class=\"muted\">user-space overhead = user RTT − kernel-stamped RTT; local stack = kernel "
            "RTT − wire RTT; wire from the packet captures; peer = the responder's own time.</p>\n";
    bool any_hops = false;
    for (const auto& e : r_.experiments) any_hops = any_hops || !e.hops.empty();
    if (any_hops) {
      out_ += "<h3>Hop timeline (tracepoints, medians)</h3><table><tr><th>experiment</th><th>from</th><th>to</th>"
              "<th>count</th><th>median (µs)</th></tr>\n";
      for (const auto& e : r_.experiments) {
        for (const auto& h : e.hops) {
          out_ += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
                              esc(e.label), esc(h.from_event), esc(h.to_event), h.count, us(h.median_ns));
        }
      }
      out_ += "</table>\n";
    }
  }

  void under_load() {
    if (r_.under_load.empty()) return;
    out_ += "<h2 id=\"under-load\">Latency under load (user-space RTT, µs)</h2>\n<table><tr><th>experiment</th>"
            "<th>idle reference</th><th>idle p50</th><th>load p50</th><th>p50 change</th><th>idle p99</th>"
            "<th>load p99</th><th>p99 change</th><th>load achieved</th><th>what explains it</th></tr>\n";
    auto us = [](const std::optional<double>& v) { return v ? fmt::format("{:.1f}", *v / 1000.0) : std::string("-"); };
    auto change = [](const std::optional<Comparison>& c) {
      if (!c || !c->estimate) return std::string("-");
      return fmt::format("{:+.0f}% [{}]", 100.0 * (*c->estimate - 1.0), verdict_name(c->verdict));
    };
    for (const auto& row : r_.under_load) {
      std::string explain;
      for (const auto& x : row.explain) explain += (explain.empty() ? "" : "<br>") + esc(x);
      out_ += fmt::format(
          "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td class=\"n\">{}</td>"
          "<td class=\"n\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
          esc(row.loaded), esc(row.idle.empty() ? row.idle_how : row.idle), us(row.idle_p50), us(row.load_p50),
          change(row.p50), us(row.idle_p99), us(row.load_p99), change(row.p99), esc(row.load), explain);
    }
    out_ += "</table>\n";
  }

  void counters() {
    bool any = false;
    for (const auto& e : r_.experiments) any = any || !e.counters.empty();
    if (!any) return;
    out_ += "<h2 id=\"counters\">Counters that changed</h2>\n<table><tr><th>experiment</th><th>node</th><th>source</th>"
            "<th>counter</th><th>delta</th><th></th></tr>\n";
    for (const auto& e : r_.experiments) {
      for (const auto& c : e.counters) {
        out_ += fmt::format("<tr{}><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>\n",
                            c.flagged ? " class=\"flag\"" : "", esc(e.label), esc(c.node), esc(c.source), esc(c.name),
                            c.delta, c.flagged ? "<span class=\"bad\">drops/errors</span>" : "");
      }
    }
    out_ += "</table>\n";
  }

  void captures() {
    bool any = false;
    for (const auto& e : r_.experiments) any = any || !e.captures.empty();
    if (!any) return;
    out_ += "<h2 id=\"captures\">Capture coverage</h2>\n<table><tr><th>experiment</th><th>kind</th><th>interface</th>"
            "<th>status</th><th>requests seen</th><th>replies seen</th><th>expected</th><th>coverage</th><th>error</th></tr>\n";
    const auto opt = [](const std::optional<int64_t>& v) { return v ? std::to_string(*v) : std::string("–"); };
    for (const auto& e : r_.experiments) {
      for (const auto& c : e.captures) {
        std::string cov = "–";
        bool low = false;
        if (c.expected && *c.expected > 0 && (c.requests_seen || c.replies_seen)) {
          const double seen = static_cast<double>(std::min(c.requests_seen.value_or(0), c.replies_seen.value_or(c.requests_seen.value_or(0))));
          const double pct = 100.0 * seen / static_cast<double>(*c.expected);
          cov = fmt_num(pct, 1) + " %";
          low = pct < 99.5;
        }
        out_ += fmt::format(
            "<tr{}><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
            "<td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>\n",
            low || !c.error.empty() ? " class=\"flag\"" : "", esc(e.label), esc(c.kind), esc(c.interface), esc(c.status),
            opt(c.requests_seen), opt(c.replies_seen), opt(c.expected), cov, esc(c.error));
      }
    }
    out_ += "</table>\n";
  }

  void environment() {
    std::set<std::string> keys;
    for (const auto& run : r_.runs) {
      for (const auto& kv : run.environment) keys.insert(kv.first);
    }
    if (keys.empty()) return;
    const std::set<std::string> differing(r_.environment_differences.begin(), r_.environment_differences.end());
    out_ += "<h2 id=\"environment\">Environment</h2>\n";
    if (differing.empty()) {
      out_ += "<p>The compared runs have the same environment.</p>\n";
    } else {
      out_ += fmt::format("<p class=\"warn\">{} setting(s) differ between the compared runs (highlighted): the "
                          "comparison may be apples to oranges.</p>\n",
                          differing.size());
    }
    const auto table = [&](bool only_differing) {
      out_ += "<table><tr><th>key</th>";
      for (const auto& run : r_.runs) out_ += fmt::format("<th>run {}</th>", run.id);
      out_ += "</tr>\n";
      for (const auto& k : keys) {
        const bool d = differing.count(k) > 0;
        if (only_differing && !d) continue;
        out_ += fmt::format("<tr{}><td>{}</td>", d ? " class=\"diff\"" : "", esc(k));
        for (const auto& run : r_.runs) {
          auto it = run.environment.find(k);
          out_ += "<td>" + (it == run.environment.end() ? std::string("–") : esc(it->second)) + "</td>";
        }
        out_ += "</tr>\n";
      }
      out_ += "</table>\n";
    };
    if (!differing.empty()) table(true);
    out_ += fmt::format("<details><summary>all {} settings</summary>", keys.size());
    table(false);
    out_ += "</details>\n";
  }

  void groups() {
    if (r_.groups.empty()) return;
    out_ += "<h2 id=\"groups\">Groups</h2>\n";
    for (const auto& [name, rows] : r_.groups) {
      out_ += "<h3>by " + esc(name) + "</h3><table><tr><th>" + esc(name) +
              "</th><th>samples</th><th>p50 (µs)</th><th>p99 (µs)</th><th>p50 ratio to first</th></tr>\n";
      for (const auto& g : rows) {
        out_ += fmt::format("<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
                            "<td class=\"n\">{}</td></tr>\n",
                            esc(g.key), g.samples, us(g.p50), us(g.p99),
                            g.ratio_to_first ? fmt_num(*g.ratio_to_first, 2) + "×" : "–");
      }
      out_ += "</table>\n";
    }
  }

  void flame_box(const std::string& id, const FlameLayout& l, const std::string& title, const std::string& subtitle) {
    out_ += "<div class=\"flamebox\">";
    out_ += fmt::format(
        "<label>search <input class=\"fl-search\" data-for=\"{0}\" type=\"search\" placeholder=\"regexp, e.g. ^ip_\"></label> "
        "<span class=\"fl-search-out\" data-for=\"{0}\"></span>",
        id);
    out_ += render_flame_svg(l, {id, title, subtitle, 1200, 16, 12});
    out_ += "</div>\n";
  }

  static std::string omitted_note(const FlameLayout& l) {
    if (l.omitted_frames == 0) return "";
    return fmt::format("{} frames narrower than 0.1% omitted ({} % of the weight)", l.omitted_frames,
                       fmt_num(l.total > 0 ? 100.0 * static_cast<double>(l.omitted_weight) / static_cast<double>(l.total) : 0, 2));
  }

  void flames() {
    bool any = false;
    for (const auto& e : r_.experiments) any = any || !e.stacks.empty();
    if (!any) return;
    out_ += "<h2 id=\"flames\">Flame graphs</h2>\n<p class=\"muted\">Stacks from perf (cpu-clock), weight = sampled "
            "period. Orange: kernel; red/yellow: user space; gray: unknown symbol; aqua: process. Hover for name, weight "
            "and share; click to zoom; search highlights matches and shows their share.</p>\n";
    for (size_t i = 0; i < r_.experiments.size(); ++i) {
      const auto& e = r_.experiments[i];
      if (e.stacks.empty()) continue;
      out_ += "<h3>" + esc(e.label) + "</h3>\n";
      const FlameLayout l = layout_flame(e.stacks);
      flame_box(fmt::format("flame-e{}", i), l, "Flame graph: " + e.label, omitted_note(l));
      const auto top = top_functions(e.stacks, 20);
      const double total = static_cast<double>(std::max<int64_t>(1, l.total));
      out_ += "<details><summary>top functions</summary><table><tr><th>function</th><th>kind</th><th>self</th>"
              "<th>self %</th><th>total</th><th>total %</th></tr>\n";
      for (const auto& t : top) {
        out_ += fmt::format("<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
                            "<td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
                            esc(frame_display_name(t.name)), frame_kind_name(t.kind), t.self,
                            fmt_num(100.0 * static_cast<double>(t.self) / total, 2), t.total,
                            fmt_num(100.0 * static_cast<double>(t.total) / total, 2));
      }
      out_ += "</table></details>\n";
    }
    const ExperimentReport* ref = flame_reference(r_);
    bool header = false;
    for (size_t i = 0; i < r_.experiments.size(); ++i) {
      const auto& e = r_.experiments[i];
      if (e.stacks.empty() || &e == ref) continue;
      if (!header) {
        out_ += "<h2 id=\"diff-flames\">Differential flame graphs</h2>\n<p class=\"muted\">Widths: the experiment's own "
                "profile. Color: its share minus the share of <b>" + esc(ref->label) +
                "</b> for the stack ending in the frame, both profiles normalized to the same total (difffolded.pl -n): "
                "red = more time here than the reference, blue = less, white = same.</p>\n";
        header = true;
      }
      const FlameLayout l = layout_flame_diff(ref->stacks, e.stacks);
      flame_box(fmt::format("diff-e{}", i), l, "Differential: " + e.label + " vs " + ref->label, omitted_note(l));
    }
  }

  void footer() {
    const HtmlCounts c = expected_html_counts(r_);
    nlohmann::json data;
    data["expected_charts"] = c.charts;
    data["expected_flames"] = c.flames;
    data["baseline"] = r_.baseline;
    data["experiments"] = nlohmann::json::array();
    for (const auto& e : r_.experiments) data["experiments"].push_back(e.label);
    out_ += "<div id=\"status\">script did not run</div>\n";
    out_ += "<script type=\"application/json\" id=\"latlab-data\">" +
            json_for_script(data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) + "</script>\n";
    out_ += "<script>" + std::string(kScript) + "</script>\n</body></html>\n";
  }

  const Report& r_;
  const ExperimentReport* baseline_;
  std::string out_;
};

}  // namespace

HtmlCounts expected_html_counts(const Report& r) {
  HtmlCounts c;
  c.charts = 2 + 2 + 1 + 6 * r.experiments.size();
  const ExperimentReport* ref = flame_reference(r);
  for (const auto& e : r.experiments) {
    if (e.stacks.empty()) continue;
    ++c.flames;
    if (&e != ref) ++c.flames;
  }
  return c;
}

std::string render_html(const Report& r) { return Page(r).render(); }

}  // namespace latlab::reports
