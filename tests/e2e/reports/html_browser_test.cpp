// The HTML report in a real browser: scripts/check-html-report.sh renders it
// in headless Chromium, requires the page's status line ("ok: N charts, M
// flame graphs", written by the script after counting) and no "Uncaught"
// console errors, and takes a screenshot. Without a runnable chromium the
// tests skip, unless LATLAB_REQUIRE_PRIVILEGED=1, where they fail
// (LATLAB_REQUIRE_HOST).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "reports/html.h"
#include "support/html_report_fixture.h"
#include "support/privileged.h"
#include "support/run_command.h"

namespace latlab::reports {
namespace {

class HtmlBrowser : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/latlab-html-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { test::run_command({"rm", "-rf", dir_}); }

  // Exit 3: chromium cannot run here.
  test::CommandResult check(const std::string& html, const std::string& name) {
    const std::string path = dir_ + "/" + name + ".html";
    std::ofstream(path) << html;
    return test::run_command(
        {std::string(LATLAB_SOURCE_DIR) + "/scripts/check-html-report.sh", path, dir_ + "/" + name + ".png"});
  }

  std::string dir_;
};

TEST_F(HtmlBrowser, SyntheticReportRendersWithEveryChartAndNoScriptError) {
  const Report r = test::synthetic_report();
  const auto res = check(render_html(r), "report");
  LATLAB_REQUIRE_HOST(res.exit_code != 3, "chromium cannot run here: " << res.err);
  ASSERT_EQ(res.exit_code, 0) << res.out << res.err;
  const HtmlCounts c = expected_html_counts(r);
  EXPECT_NE(res.out.find("ok: " + std::to_string(c.charts) + " charts, " + std::to_string(c.flames) +
                         " flame graphs"),
            std::string::npos)
      << res.out;
  struct stat st {};
  ASSERT_EQ(stat((dir_ + "/report.png").c_str(), &st), 0);
  EXPECT_GT(st.st_size, 50000) << "a 1400x3000 screenshot of the charts";
}

TEST_F(HtmlBrowser, ReportWithoutStacksOrDataStillPasses) {
  Report r = test::synthetic_report(false);
  r.experiments[2].dist = {};
  const auto res = check(render_html(r), "nostacks");
  LATLAB_REQUIRE_HOST(res.exit_code != 3, "chromium cannot run here: " << res.err);
  EXPECT_EQ(res.exit_code, 0) << res.out << res.err;
}

TEST_F(HtmlBrowser, CheckFailsOnScriptErrorsAndMissingCharts) {
  const std::string good = render_html(test::synthetic_report());
  // A script error before the status line is written.
  std::string broken = good;
  const auto pos = broken.find("(function () {");
  ASSERT_NE(pos, std::string::npos);
  broken.insert(pos, "undefined_function_latlab();\n");
  auto res = check(broken, "broken");
  LATLAB_REQUIRE_HOST(res.exit_code != 3, "chromium cannot run here: " << res.err);
  EXPECT_EQ(res.exit_code, 1) << res.out << res.err;

  // One chart fewer than the page expects.
  std::string missing = good;
  const auto chart = missing.find("<svg id=\"split\"");
  ASSERT_NE(chart, std::string::npos);
  missing.erase(chart, missing.find("</svg>", chart) + 6 - chart);
  res = check(missing, "missing");
  EXPECT_EQ(res.exit_code, 1) << res.out << res.err;
  EXPECT_NE(res.err.find("status is \"error: 22/23 charts"), std::string::npos) << res.err;
}

}  // namespace
}  // namespace latlab::reports
