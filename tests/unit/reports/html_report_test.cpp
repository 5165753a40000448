// The HTML page: one chart per expected item, flame graphs, escaping of
// hostile names everywhere (text, attributes, SVG titles, script data).
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

#include "reports/html.h"
#include "support/html_report_fixture.h"

namespace latlab::reports {
namespace {

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

std::set<std::string> svg_ids(const std::string& html, const std::string& cls) {
  std::set<std::string> ids;
  std::regex re("<svg id=\"([^\"]+)\" class=\"" + cls + "[ \"]");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), re); it != std::sregex_iterator(); ++it) {
    ids.insert((*it)[1].str());
  }
  return ids;
}

TEST(HtmlReport, OneChartPerExpectedItem) {
  const Report r = test::synthetic_report();
  const std::string html = render_html(r);
  const auto charts = svg_ids(html, "chart");
  std::set<std::string> expected = {"cdf-all-lin", "cdf-all-log", "box-lin", "box-log", "split"};
  for (int i = 0; i < 3; ++i) {
    for (const char* kind : {"cdf", "hist", "time"}) {
      for (const char* scale : {"lin", "log"})
        expected.insert(std::string(kind) + "-e" + std::to_string(i) + "-" + scale);
    }
  }
  EXPECT_EQ(charts, expected);
  EXPECT_EQ(count(html, "<svg "), expected.size() + 5);
  EXPECT_EQ(svg_ids(html, "flame"),
            (std::set<std::string>{"flame-e0", "flame-e1", "flame-e2", "diff-e1", "diff-e2"}));
  const HtmlCounts c = expected_html_counts(r);
  EXPECT_EQ(c.charts, expected.size());
  EXPECT_EQ(c.flames, 5u);
  EXPECT_NE(html.find("data-expected-charts=\"23\" data-expected-flames=\"5\""), std::string::npos);
  // Each chart draws data, not the empty placeholder.
  EXPECT_EQ(html.find("class=\"no-data\""), std::string::npos);
  // Box plots side by side: one box per experiment in each variant.
  EXPECT_EQ(count(html, "<g class=\"box\">"), 6u);
}

TEST(HtmlReport, WithoutStacksNoFlameGraphsAndEmptyDataShowsPlaceholders) {
  Report r = test::synthetic_report(false);
  r.experiments[1].dist = {};
  r.experiments[1].user = {};
  const std::string html = render_html(r);
  EXPECT_TRUE(svg_ids(html, "flame").empty());
  EXPECT_EQ(svg_ids(html, "chart").size(), 23u);
  EXPECT_EQ(count(html, "class=\"no-data\""), 6u);  // cdf, hist, time of the empty one, x2 scales
  EXPECT_EQ(count(html, "<g class=\"box\">"), 4u);
  EXPECT_NE(html.find("data-expected-flames=\"0\""), std::string::npos);
}

TEST(HtmlReport, HostileNamesAreEscapedEverywhere) {
  const std::string html = render_html(test::synthetic_report());
  EXPECT_EQ(html.find("<img"), std::string::npos);
  // Only the page's own two script elements.
  EXPECT_EQ(count(html, "<script"), 2u);
  EXPECT_EQ(count(html, "</script>"), 2u);
  EXPECT_EQ(count(html, "onerror=alert(1)>"), 0u);
  EXPECT_GT(count(html, "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;&lt;&gt;"), 10u);
  // Inside the JSON data: no "</" and no "<!--".
  const auto start = html.find("<script type=\"application/json\" id=\"latlab-data\">");
  ASSERT_NE(start, std::string::npos);
  const auto body_start = html.find('>', start) + 1;
  const std::string json = html.substr(body_start, html.find("</script>", body_start) - body_start);
  EXPECT_EQ(json.find('<'), std::string::npos);
  EXPECT_NE(
      json.find("\\u003c/script\\u003e\\u003cimg src=x onerror=alert(1)\\u003e\\\"'\\u0026\\u003c\\u003e"),
      std::string::npos);
  // In a flame graph <title> (kernel frame named after the hostile text).
  EXPECT_NE(
      html.find("<title>&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;&lt;&gt;\nkernel; "),
      std::string::npos);
  // Nothing fetched: no external references.
  EXPECT_EQ(html.find("http://") == std::string::npos ||
                html.find("http://www.w3.org/2000/svg") != std::string::npos,
            true);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find(" src=\""), std::string::npos);
  EXPECT_EQ(html.find(" href=\""), std::string::npos);
}

TEST(HtmlReport, TablesShowBaselineDeltaFlagsAndEnvironmentDifferences) {
  const std::string html = render_html(test::synthetic_report());
  EXPECT_NE(html.find("<tr class=\"baseline\"><td>localhost <span class=\"muted\">(baseline)</span>"),
            std::string::npos);
  EXPECT_NE(html.find("<tr class=\"flag\"><td>peer</td><td>a</td><td>softnet</td><td>dropped</td>"),
            std::string::npos);
  EXPECT_NE(html.find("<tr class=\"diff\"><td>sysctl.net.core.busy_poll</td><td>0</td><td>50</td></tr>"),
            std::string::npos);
  EXPECT_NE(html.find("<h3>by node kind</h3>"), std::string::npos);
  EXPECT_NE(html.find("1.74×"), std::string::npos);
  EXPECT_NE(html.find("<span class=\"bad\">worse</span>"), std::string::npos);
  EXPECT_NE(html.find("<td>p50</td><td class=\"n\">+73.7% [+65.0, +82.4]</td><td class=\"bad\">worse</td>"),
            std::string::npos);
  EXPECT_NE(html.find("top functions"), std::string::npos);
}

TEST(HtmlReport, BoundedSize) {
  Report r = test::synthetic_report();
  // 200k-frame-ish profile: many distinct stacks must not blow up the page.
  for (int i = 0; i < 20000; ++i) {
    r.experiments[1].stacks.push_back(
        {"ping;main;f" + std::to_string(i % 200) + ";g" + std::to_string(i), 1});
  }
  const std::string html = render_html(r);
  EXPECT_LT(html.size(), 6u * 1024 * 1024);
}

}  // namespace
}  // namespace latlab::reports
