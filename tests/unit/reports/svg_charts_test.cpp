// Axis ticks (exact values), scales and the chart primitives.
#include <gtest/gtest.h>

#include <string>

#include "reports/svg_axis.h"
#include "reports/svg_charts.h"
#include "reports/svg_text.h"

namespace latlab::reports {
namespace {

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

TEST(SvgAxis, LinearTicksAreNiceAndExact) {
  EXPECT_EQ(linear_ticks(0, 1, 5), (std::vector<double>{0, 0.2, 0.4, 0.6, 0.8, 1}));
  EXPECT_EQ(linear_ticks(0, 0.3, 3), (std::vector<double>{0, 0.1, 0.2, 0.3}));
  EXPECT_EQ(linear_ticks(0, 134000, 6), (std::vector<double>{0, 20000, 40000, 60000, 80000, 100000, 120000}));
  EXPECT_EQ(linear_ticks(77000, 134000, 5), (std::vector<double>{80000, 90000, 100000, 110000, 120000, 130000}));
  EXPECT_EQ(linear_ticks(-3, 7, 5), (std::vector<double>{-2, 0, 2, 4, 6}));
  EXPECT_EQ(linear_ticks(5, 5, 5), (std::vector<double>{5}));
}

TEST(SvgAxis, LogTicksDecadesThenOneTwoFiveThenAllMultiples) {
  EXPECT_EQ(log_ticks(1e3, 1e6), (std::vector<double>{1e3, 1e4, 1e5, 1e6}));
  EXPECT_EQ(log_ticks(1500, 30000), (std::vector<double>{2000, 5000, 10000, 20000}));
  EXPECT_EQ(log_ticks(60e3, 140e3), (std::vector<double>{60e3, 70e3, 80e3, 90e3, 100e3}));
  EXPECT_EQ(log_ticks(0.002, 0.5), (std::vector<double>{0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5}));
  EXPECT_TRUE(log_ticks(0, 10).empty());
}

TEST(SvgAxis, ScalesMapLinearAndLog) {
  const Scale lin{0, 100, 10, 110, false};
  EXPECT_DOUBLE_EQ(lin(0), 10);
  EXPECT_DOUBLE_EQ(lin(25), 35);
  const Scale lg{1e3, 1e6, 0, 300, true};
  EXPECT_DOUBLE_EQ(lg(1e3), 0);
  EXPECT_NEAR(lg(1e4), 100, 1e-9);
  EXPECT_NEAR(lg(1e5), 200, 1e-9);
  EXPECT_DOUBLE_EQ(lg(0), 0) << "non-positive values clamp to the start of a log axis";
  const Scale inverted{0, 1, 250, 30, false};  // y axes grow upwards
  EXPECT_DOUBLE_EQ(inverted(1), 30);
}

TEST(SvgAxis, TimeUnitsAndLabels) {
  EXPECT_STREQ(time_unit_for(900).name, "ns");
  EXPECT_STREQ(time_unit_for(134000).name, "µs");
  EXPECT_STREQ(time_unit_for(25e6).name, "ms");
  EXPECT_EQ(tick_label(77000, time_unit_for(134000)), "77");
  EXPECT_EQ(tick_label(134500, time_unit_for(134000)), "134.5");
  EXPECT_EQ(format_ns(77000), "77.0 µs");
  EXPECT_EQ(format_ns(134000), "134 µs");
  EXPECT_EQ(format_ns(850), "850 ns");
  EXPECT_EQ(format_ns(4.2e6), "4.20 ms");
  EXPECT_EQ(fmt_num(-0.0001, 2), "0");
  EXPECT_EQ(fmt_num(2.50, 2), "2.5");
}

TEST(SvgAxis, AxisDrawsOneLabelPerTick) {
  const Scale s{0, 1, 50, 550, false};
  const auto t = linear_ticks(0, 1, 5);
  const std::string ax = x_axis_svg(s, t, {}, 200, 20, "fraction <x>");
  EXPECT_EQ(count(ax, "<text "), t.size() + 1);
  EXPECT_NE(ax.find(">0.6</text>"), std::string::npos);
  EXPECT_NE(ax.find("fraction &lt;x&gt;"), std::string::npos);
  EXPECT_NE(ax.find("x1=\"350\""), std::string::npos);  // 0.6 -> 50 + 0.6 * 500
}

TEST(SvgCharts, CdfLinearAndLogWithEscapedLabelsAndCappedPoints) {
  LineSeries a{"</script><img src=x onerror=alert(1)>", 0, {}};
  for (int i = 1; i <= 2000; ++i) a.points.emplace_back(50000.0 + i * 10, i / 2000.0);
  LineSeries b{"\"'&<>", 1, {{80000, 0.5}, {90000, 1}}};
  ChartFrame f{"cdf-all", "CDF <all>", "scale-lin", 640, 300, false};
  const std::string lin = cdf_chart({a, b}, f);
  EXPECT_EQ(lin.rfind("<svg id=\"cdf-all\" class=\"chart cdf scale-lin\"", 0), 0u);
  EXPECT_EQ(lin.find("<img"), std::string::npos);
  EXPECT_NE(lin.find("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_NE(lin.find("&quot;&#39;&amp;&lt;&gt;"), std::string::npos);
  EXPECT_NE(lin.find("data-points=\"502\""), std::string::npos) << "500 + 2 points drawn";
  EXPECT_EQ(count(lin, "<path class=\"series\""), 2u);
  f.log = true;
  f.id = "cdf-all-log";
  const std::string lg = cdf_chart({a, b}, f);
  EXPECT_NE(lg.find("RTT (µs, log)"), std::string::npos);
  EXPECT_EQ(cdf_chart({}, f).find("no RTT samples") != std::string::npos, true);
}

TEST(SvgCharts, HistogramMergesBinsAboveTheCapAndTrimsEmptyEnds) {
  std::vector<double> edges;
  std::vector<uint64_t> counts;
  for (int i = 0; i <= 1000; ++i) edges.push_back(1000.0 * i);
  for (int i = 0; i < 1000; ++i) counts.push_back(i < 10 ? 0 : 1);
  const std::string h = histogram_chart(edges, counts, 2, {"h0", "hist", "", 640, 300, false});
  // 1000 bins -> merged by 5 -> 200 bins, the first two (all zero) trimmed.
  EXPECT_NE(h.find("data-points=\"198\""), std::string::npos);
  EXPECT_EQ(count(h, "<rect x=") - 1, 198u);  // minus the background
  EXPECT_NE(histogram_chart({1, 2}, {1, 2}, 0, {"bad", "", "", 640, 300, false}).find("no histogram"), std::string::npos);
}

TEST(SvgCharts, BoxPlotsSideBySideAndStackedBarsAndTimeSeries) {
  std::vector<BoxStats> boxes = {{"local", 0, 60e3, 70e3, 77e3, 85e3, 110e3, 150e3, 78e3},
                                 {"peer", 1, 110e3, 125e3, 134e3, 140e3, 180e3, 300e3, 136e3}};
  const std::string bp = box_plot_chart(boxes, {"box", "boxes", "", 640, 300, true});
  EXPECT_EQ(count(bp, "<g class=\"box\">"), 2u);
  EXPECT_NE(bp.find(">peer</text>"), std::string::npos);
  EXPECT_NE(bp.find("p50 134 µs"), std::string::npos);

  const std::string sb = stacked_bar_chart({{"peer", {2e3, 30e3, 20e3, 5e3}}, {"local", {2e3, std::nullopt, 0, 1e3}}},
                                           {"user-space", "local stack", "wire", "peer"},
                                           {"split", "where the time goes", "", 640, 240, false});
  EXPECT_EQ(count(sb, "<rect class=\"part\""), 6u);  // unset and zero parts draw nothing
  EXPECT_NE(sb.find("peer: wire: 20 µs"), std::string::npos);

  LineSeries t{"x", 0, {}};
  for (int i = 0; i < 5000; ++i) t.points.emplace_back(i * 0.001, 1e5 + i);
  const std::string ts = time_series_chart({t}, {"ot", "rtt over time", "", 640, 300, false});
  EXPECT_NE(ts.find("data-points=\"2000\""), std::string::npos);
  EXPECT_EQ(count(ts, "h0"), 2000u);
}

TEST(SvgText, EscapesAndScriptSafeJson) {
  EXPECT_EQ(xml_escape("</script><img src=x onerror=alert(1)>\"'&"),
            "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;");
  EXPECT_EQ(xml_escape(std::string("a\x01z", 3)), "a\xEF\xBF\xBDz");
  const std::string j = json_for_script("{\"n\":\"</script><!-- & \xE2\x80\xA8\"}");
  EXPECT_EQ(j, "{\"n\":\"\\u003c/script\\u003e\\u003c!-- \\u0026 \\u2028\"}");
  EXPECT_EQ(j.find("</"), std::string::npos);
  EXPECT_EQ(j.find("<!--"), std::string::npos);
}

}  // namespace
}  // namespace latlab::reports
