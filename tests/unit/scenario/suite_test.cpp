// Nightly suites: strict reading, every named scenario, experiment and metric
// checked, errors with file:line:col and the JSON pointer, verbatim.
#include "scenario/suite.h"

#include <gtest/gtest.h>

#include <string>

using namespace latlab::scenario;

namespace {

const std::string kDir = std::string(LATLAB_SOURCE_DIR) + "/scenarios";

std::string first_error(const std::string& text) {
  auto r = load_suite_text(text, "s.json", kDir);
  if (r.ok()) return "(no error)";
  return r.errors.front().str();
}

}  // namespace

TEST(Suite, TheExampleSuiteLoads) {
  auto r = load_suite_file(kDir + "/nightly.json");
  ASSERT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors.front().str());
  const Suite& s = *r.suite;
  EXPECT_EQ(s.name, "nightly");
  EXPECT_EQ(s.repeat, 5u);
  EXPECT_EQ(s.baseline_nights, 7u);
  ASSERT_EQ(s.scenarios.size(), 2u);
  EXPECT_EQ(s.scenarios[0].name(), "peer-self-localhost");
  // No gate: every experiment, with the suite's metrics.
  ASSERT_EQ(s.scenarios[0].gates.size(), 3u);
  EXPECT_EQ(s.scenarios[0].gates[0].metrics, (std::vector<std::string>{"p50", "p99", "loss"}));
  ASSERT_EQ(s.scenarios[1].gates.size(), 3u);
  EXPECT_EQ(s.scenarios[1].gates[2].experiment, "host-to-container");
  EXPECT_DOUBLE_EQ(s.scenarios[1].gates[2].min_effect, 0.10);
  EXPECT_DOUBLE_EQ(s.scenarios[1].gates[0].min_effect, 0.05);
}

TEST(Suite, DefaultsWhenLeftOut) {
  auto r = load_suite_text(R"({"suite": "x", "scenarios": [{"file": "peer-self-localhost.json"}]})", "s.json",
                           kDir);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.suite->repeat, 5u);
  EXPECT_DOUBLE_EQ(r.suite->level, 0.99);
  EXPECT_DOUBLE_EQ(r.suite->change_pvalue, 0.001);
  EXPECT_EQ(r.suite->change_window, 50u);
  EXPECT_TRUE(r.suite->baseline_name.empty());
}

TEST(Suite, AMissingScenarioIsNamedAtItsPlace) {
  EXPECT_EQ(first_error("{\"suite\": \"x\",\n \"scenarios\": [{\"file\": \"nope.json\"}]}"),
            "s.json:2:25: error: /scenarios/0/file: scenario \"nope.json\" is not valid: " + kDir +
                "/nope.json: error: cannot read: No such file or directory");
}

TEST(Suite, AMissingExperimentListsTheScenariosExperiments) {
  EXPECT_EQ(
      first_error(R"({"suite": "x", "scenarios": [{"file": "peer-self-localhost.json",
    "gate": [{"experiment": "peers"}]}]})"),
      "s.json:2:29: error: /scenarios/0/gate/0/experiment: scenario \"peer-self-localhost.json\" has no "
      "experiment \"peers\"; its experiments are peer, self, localhost (did you mean \"peer\"?)");
}

TEST(Suite, AMetricThatDoesNotExist) {
  EXPECT_EQ(
      first_error(
          R"({"suite": "x", "metrics": ["p50", "p95"], "scenarios": [{"file": "peer-self-localhost.json"}]})"),
      "s.json:1:35: error: /metrics/1: metric \"p95\" does not exist; the metrics are p50, p99, loss (did "
      "you mean \"p99\"?)");
}

TEST(Suite, AnEmptyBaselineWindow) {
  EXPECT_EQ(
      first_error(
          R"({"suite": "x", "baseline": {"last": 0}, "scenarios": [{"file": "peer-self-localhost.json"}]})"),
      "s.json:1:37: error: /baseline/last: a baseline window of 0 nights is too small: a verdict needs at "
      "least 3 nights to know how nights vary");
}

TEST(Suite, UnknownKeysAndBothBaselines) {
  EXPECT_EQ(
      first_error(R"({"suite": "x", "repeats": 5, "scenarios": [{"file": "peer-self-localhost.json"}]})"),
      "s.json:1:16: error: /repeats: unknown key \"repeats\" in suite (did you mean \"repeat\"?)");
  EXPECT_EQ(
      first_error(
          R"({"suite": "x", "baseline": {"last": 5, "name": "b"}, "scenarios": [{"file": "peer-self-localhost.json"}]})"),
      "s.json:1:48: error: /baseline/name: a baseline is either the last nights (\"last\") or a named "
      "baseline (\"name\"), not both");
}

TEST(Suite, TheSameLabTwiceAndAGateTwice) {
  EXPECT_EQ(
      first_error(
          R"({"suite": "x", "scenarios": [{"file": "peer-self-localhost.json"}, {"file": "./peer-self-localhost.json"}]})"),
      "s.json:1:77: error: /scenarios/1/file: scenario \"./peer-self-localhost.json\" is lab "
      "\"peer-self-localhost\", which the suite already runs; the nights of a suite are kept by lab name");
  EXPECT_EQ(
      first_error(
          R"({"suite": "x", "scenarios": [{"file": "peer-self-localhost.json", "gate": [{"experiment": "peer"}, {"experiment": "peer"}]}]})"),
      "s.json:1:115: error: /scenarios/0/gate/1/experiment: experiment \"peer\" is gated twice");
}

TEST(Suite, RangesAndTypes) {
  EXPECT_EQ(
      first_error(R"({"suite": "x", "repeat": 2, "scenarios": [{"file": "peer-self-localhost.json"}]})"),
      "s.json:1:26: error: /repeat: 2 is out of range (3 to 1000)");
  EXPECT_EQ(
      first_error(R"({"suite": "x", "level": "50%", "scenarios": [{"file": "peer-self-localhost.json"}]})"),
      "s.json:1:25: error: /level: \"50%\" is out of range (80% to 99.99%)");
  EXPECT_EQ(first_error(R"({"suite": "a/b", "scenarios": [{"file": "peer-self-localhost.json"}]})"),
            "s.json:1:11: error: /suite: suite name \"a/b\" is not valid: 1 to 64 letters, digits, '_', '.' "
            "or '-'");
  EXPECT_EQ(first_error(R"({"suite": "x", "scenarios": []})"),
            "s.json:1:29: error: /scenarios: the suite names no scenario");
  EXPECT_EQ(
      first_error(
          R"({"suite": "x", "scenarios": [{"file": "peer-self-localhost.json", "gate": [{"experiment": "peer", "metrics": []}]}]})"),
      "s.json:1:110: error: /scenarios/0/gate/0/metrics: the list of metrics is empty; name at least one of "
      "p50, p99, loss");
}

TEST(Suite, InvalidJsonAndDuplicateKeys) {
  EXPECT_EQ(first_error("{\"suite\": \"x\",}"),
            "s.json:1:15: error: invalid JSON: trailing comma before '}'");
  auto r = load_suite_text(
      R"({"suite": "x", "suite": "y", "scenarios": [{"file": "peer-self-localhost.json"}]})", "s.json", kDir);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.errors.front().str().find("duplicate"), std::string::npos) << r.errors.front().str();
}
