// build_report on stores written through SqliteStore, the renderers, and the
// golden files.
//
// Golden files live in tests/data/reports/. After an intended change of the
// output, regenerate them and review the diff:
//   LATLAB_UPDATE_GOLDEN=1 build/tests/reports_unit_tests --gtest_filter='Golden*'
// Those tests then compare nothing and say so: each is reported skipped with
// "updated golden file ...; compared nothing".
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "reports/build_report.h"
#include "reports/render.h"
#include "support/synthetic_store.h"

using namespace latlab;
using namespace latlab::reports;
using latlab::test::TempDir;

namespace {

const ExperimentReport& row(const Report& r, const std::string& label) {
  for (const auto& x : r.experiments)
    if (x.label == label) return x;
  ADD_FAILURE() << "no row " << label;
  static ExperimentReport none;
  return none;
}

struct Seed000 {
  TempDir dir;
  std::unique_ptr<store::SqliteStore> store;
  int64_t run_id = 0;
  Seed000() {
    auto s = store::SqliteStore::open(dir.path() + "/t.db");
    EXPECT_TRUE(s.ok());
    store = std::move(*s);
    run_id = test::write_run(*store, "seed-000", test::seed000_experiments(),
                             test::seed000_host("6.1.0", "noqueue"), 1'700'000'000'000'000'000);
  }
  Report build(ReportRequest req = {}) {
    auto r = build_report(*store, req);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message());
    return r.ok() ? *r : Report{};
  }
};

std::string read_file(const std::string& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void check_golden(const std::string& name, const std::string& actual) {
  std::string path = std::string(LATLAB_SOURCE_DIR) + "/tests/data/reports/" + name;
  const char* update = std::getenv("LATLAB_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << actual;
    ASSERT_TRUE(out.flush()) << "writing " << path << " failed";
    // The test is reported skipped: it wrote what it was to compare against.
    GTEST_SKIP() << "updated golden file " << path << "; compared nothing";
  }
  std::string expected = read_file(path);
  ASSERT_FALSE(expected.empty()) << path << " is missing: run with LATLAB_UPDATE_GOLDEN=1";
  EXPECT_EQ(actual, expected) << "differs from " << path << " (LATLAB_UPDATE_GOLDEN=1 regenerates it)";
}

}  // namespace

TEST(BuildReport, Seed000Table) {
  Seed000 s;
  Report r = s.build();
  ASSERT_EQ(r.runs.size(), 1u);
  ASSERT_EQ(r.experiments.size(), 3u);
  // Declared order, labels without run prefix for one run.
  EXPECT_EQ(r.experiments[0].label, "peer");
  EXPECT_EQ(r.experiments[1].label, "self");
  EXPECT_EQ(r.experiments[2].label, "localhost");
  EXPECT_EQ(r.baseline, "localhost");  // default baseline

  const auto& local = row(r, "localhost");
  EXPECT_EQ(local.user.samples, 412u);  // 410 received + 1 lost + 1 late
  EXPECT_EQ(local.user.received, 410u);
  EXPECT_EQ(local.user.lost, 1u);
  EXPECT_EQ(local.user.late, 1u);
  EXPECT_EQ(local.user.warmup_excluded, 10u);
  EXPECT_EQ(*local.user.p50, 77000);
  EXPECT_EQ(*local.user.min, 77000 - 20 * 50);
  EXPECT_EQ(*local.user.max, 77000 + 20 * 50);  // the late 900 ms RTT is not mixed in
  EXPECT_DOUBLE_EQ(*local.user.mean, 77000);
  EXPECT_FALSE(local.delta_p50_ns);

  const auto& peer = row(r, "peer");
  EXPECT_EQ(peer.repetitions, 2u);
  EXPECT_EQ(peer.experiment_ids.size(), 2u);
  EXPECT_EQ(peer.user.received, 820u);
  EXPECT_EQ(peer.user.warmup_excluded, 20u);
  EXPECT_EQ(*peer.user.p50, 134000);
  EXPECT_EQ(*peer.delta_p50_ns, 57000);             // seed 000: delta 0.057 ms
  EXPECT_NEAR(*peer.ratio_p50_pct, 174.03, 0.005);  // seed 000: 174 %
  // One repetition of localhost: figures, but no verdict and no interval.
  const Comparison* v = peer.verdict(Metric::p50);
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->verdict, Verdict::no_verdict);
  EXPECT_EQ(v->reason, "fewer than 3 repetitions with a value on both sides (1)");
  EXPECT_TRUE(v->paired);  // one run, shuffled rounds
  EXPECT_FALSE(local.user.p50_ci);
  EXPECT_TRUE(local.vs_baseline.empty());

  // Intervals come from the repetitions: peer's two are the same.
  ASSERT_EQ(peer.reps.size(), 2u);
  EXPECT_EQ(*peer.reps[0].p50, 134000);
  EXPECT_DOUBLE_EQ(peer.reps[0].loss_pct, 100.0 / 412);
  EXPECT_NEAR(peer.user.p50_ci->low, 134000, 1e-6);
  EXPECT_NEAR(peer.user.p50_ci->high, 134000, 1e-6);
  // Sampling sd of one repetition's p50 from its order-statistic interval:
  // n = 410, ranks 185 and 226 -> offsets -2 and +2 (x 50 ns): 200 / (2 x 1.96).
  EXPECT_NEAR(*peer.reps[0].p50_sampling_sd, 200 / (2 * 1.959963984540054), 1e-6);
  EXPECT_EQ(peer.variance.dominant, "within repetitions");
  EXPECT_EQ(peer.how.wait, "block");  // a store without wait modes: the agent blocked

  // Jitter: mean |difference| of consecutive RTTs within each repetition.
  double sum = 0;
  for (int64_t i = 1; i < test::kSamplesPerRep; ++i)
    sum += std::abs(test::scrambled_offset(i) - test::scrambled_offset(i - 1)) * 50.0;
  EXPECT_NEAR(*local.user.jitter, sum / (test::kSamplesPerRep - 1), 1e-9);
  EXPECT_NEAR(*peer.user.jitter, sum / (test::kSamplesPerRep - 1), 1e-9);  // not across repetitions

  // Kernel stats and where the time goes.
  EXPECT_EQ(*peer.kernel.p50, 114000);
  EXPECT_EQ(*peer.split.user_overhead, 20000);
  EXPECT_EQ(*peer.split.wire, 30000);
  EXPECT_EQ(*peer.split.local_stack, 84000);
  EXPECT_FALSE(peer.split.peer);
  EXPECT_NE(peer.split.note.find("no peer processing time"), std::string::npos);
  EXPECT_FALSE(local.split.wire);
  EXPECT_NE(local.split.note.find("no tcpdump capture"), std::string::npos);

  // Hops: median of the repetitions' medians, pairs summed, in path order.
  ASSERT_EQ(peer.hops.size(), 2u);
  EXPECT_EQ(peer.hops[0].from_event, "net_dev_queue");
  EXPECT_EQ(peer.hops[0].to_event, "net_dev_start_xmit");
  EXPECT_EQ(*peer.hops[0].median_ns, 2000);
  EXPECT_EQ(peer.hops[0].count, 410u);
  EXPECT_EQ(*peer.hops[1].median_ns, 3000);

  // Counters: summed over repetitions, zero deltas and before/after dropped, errors flagged first.
  ASSERT_EQ(peer.counters.size(), 2u);
  EXPECT_EQ(peer.counters[0].name, "Udp.RcvbufErrors");
  EXPECT_TRUE(peer.counters[0].flagged);
  EXPECT_EQ(peer.counters[0].delta, 6);
  EXPECT_EQ(peer.counters[1].name, "Ip.InReceives");
  EXPECT_FALSE(peer.counters[1].flagged);
  EXPECT_EQ(peer.counters[1].delta, 1640);

  // Coverage summed over repetitions.
  ASSERT_EQ(peer.captures.size(), 2u);
  EXPECT_EQ(peer.captures[0].kind, "tcpdump");
  EXPECT_EQ(*peer.captures[0].requests_seen, 822);
  EXPECT_EQ(*peer.captures[0].replies_seen, 820);
  EXPECT_EQ(*peer.captures[0].expected, 822);

  // Stacks merged over repetitions, heaviest first.
  ASSERT_EQ(peer.stacks.size(), 2u);
  EXPECT_EQ(peer.stacks[0].folded, "ping;main;sendto");
  EXPECT_EQ(peer.stacks[0].weight, 21);
  EXPECT_EQ(peer.stacks[1].weight, 10);

  // Distribution: bounded, all RTTs counted.
  uint64_t total = 0;
  for (auto c : peer.dist.counts) total += c;
  EXPECT_EQ(total, 820u);
  EXPECT_EQ(peer.dist.edges_ns.size(), peer.dist.counts.size() + 1);
  EXPECT_LE(peer.dist.cdf.size(), 500u);
  EXPECT_EQ(peer.dist.over_time.size(), 820u);

  // Groups by path kind: the baseline's kind first, ratio to it.
  const auto& g = r.groups.at("path kind");
  ASSERT_EQ(g.size(), 3u);
  EXPECT_EQ(g[0].key, "localhost");
  EXPECT_EQ(g[1].key, "peer");
  EXPECT_NEAR(*g[1].ratio_to_first, 174.03, 174.03 / 1024);  // pooled in the log histogram
  // By node kind and path: one row per (from kind, to kind, path kind).
  const auto& nk = r.groups.at("node kind");
  ASSERT_EQ(nk.size(), 3u);
  EXPECT_EQ(nk[0].key, "netns (localhost)");

  EXPECT_EQ(r.runs[0].environment.at("machine.kernel"), "6.1.0");
  EXPECT_EQ(r.runs[0].environment.at("lab.a.interfaces.eth0.mtu"), "1500");
  EXPECT_TRUE(r.environment_differences.empty());
}

TEST(BuildReport, ExplicitBaselineAndErrors) {
  Seed000 s;
  ReportRequest req;
  req.baseline = "peer";
  Report r = s.build(req);
  EXPECT_EQ(r.baseline, "peer");
  EXPECT_EQ(*row(r, "localhost").delta_p50_ns, -57000);

  req.baseline = "nope";
  auto bad = build_report(*s.store, req);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().exit_code(), ExitCode::bad_input);
  EXPECT_NE(bad.error().message().find("baseline \"nope\""), std::string::npos);

  ReportRequest unknown;
  unknown.runs = {99};
  auto u = build_report(*s.store, unknown);
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.error().exit_code(), ExitCode::bad_input);
  EXPECT_NE(u.error().message().find("run 99 does not exist"), std::string::npos);

  ReportRequest sc;
  sc.scenario = "other";
  auto none = build_report(*s.store, sc);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().exit_code(), ExitCode::bad_input);
}

TEST(BuildReport, ComparesRunsAndEnvironments) {
  Seed000 s;
  auto exps = test::seed000_experiments();
  exps[0].base_ns = 150'000;  // peer got slower in the second run
  int64_t run2 = test::write_run(*s.store, "seed-000", exps, test::seed000_host("6.2.0", "fq_codel"),
                                 1'700'000'100'000'000'000);
  ReportRequest req;
  req.last = 2;
  Report r = s.build(req);
  ASSERT_EQ(r.runs.size(), 2u);
  ASSERT_EQ(r.experiments.size(), 6u);
  EXPECT_EQ(r.experiments[0].label, "run 1: peer");
  EXPECT_EQ(r.baseline, "run 1");
  const auto& p2 = row(r, "run " + std::to_string(run2) + ": peer");
  EXPECT_EQ(*p2.delta_p50_ns, 16000);                                // against run 1's peer, not localhost
  EXPECT_FALSE(p2.verdict(Metric::p50)->paired);                     // two runs: unpaired
  EXPECT_EQ(p2.verdict(Metric::p50)->verdict, Verdict::no_verdict);  // 2 repetitions
  const auto& l2 = row(r, "run " + std::to_string(run2) + ": localhost");
  EXPECT_EQ(*l2.delta_p50_ns, 0);
  EXPECT_FALSE(row(r, "run 1: peer").delta_p50_ns);
  EXPECT_EQ(r.environment_differences,
            (std::vector<std::string>{"lab.a.interfaces.eth0.qdisc", "machine.kernel"}));

  // A run id as --baseline: run 2 is the reference.
  req.baseline = std::to_string(run2);
  Report r2 = s.build(req);
  EXPECT_EQ(*row(r2, "run 1: peer").delta_p50_ns, -16000);
}

// Five repetitions each, in one run: the verdict over repetitions, paired by
// round. Repetition states move both experiments together, so pairing
// removes them; A is 10 % slower in every round.
TEST(BuildReport, VerdictOverRepetitions) {
  TempDir dir;
  auto st = store::SqliteStore::open(dir.path() + "/t.db");
  ASSERT_TRUE(st.ok());
  test::SyntheticExperiment a{"tuned", "peer"}, b{"default", "peer"}, same{"default-twin", "peer"};
  std::vector<int64_t> state = {0, 8000, -6000, 15000, -3000};  // ns, shared by the round
  b.base_ns = same.base_ns = 100'000;
  a.base_ns = 110'000;
  a.repetitions = b.repetitions = same.repetitions = 5;
  for (int64_t s : state) {
    a.rep_shift_ns.push_back(s * 11 / 10);
    b.rep_shift_ns.push_back(s);
    same.rep_shift_ns.push_back(s + (s % 2000 ? 150 : -150));  // the same, give or take noise
  }
  a.params_json =
      R"({"wait":"spin","responder":"udp-reflector","responder_wait":"spin","responder_delay_ns":5000,"min_effect":0.05})";
  test::write_run(**st, "verdicts", {a, b, same}, test::seed000_host("6.1.0", "noqueue"),
                  1'700'000'000'000'000'000);
  ReportRequest req;
  req.baseline = "default";
  auto r = build_report(**st, req);
  ASSERT_TRUE(r.ok()) << r.error().message();
  const auto& tuned = row(*r, "tuned");
  EXPECT_EQ(tuned.how.wait, "spin");
  EXPECT_EQ(tuned.how.responder_wait, "spin");
  EXPECT_EQ(tuned.how.responder_delay_ns, 5000);
  EXPECT_EQ(wait_label(tuned.how), "spin/spin +delay 5.00µs");
  const Comparison* c = tuned.verdict(Metric::p50);
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(c->paired);
  EXPECT_EQ(c->n_a, 5u);
  EXPECT_EQ(c->verdict, Verdict::worse);
  EXPECT_NEAR(*c->estimate, 1.10, 1e-3);
  EXPECT_LT(*c->low, 1.10);
  EXPECT_GT(*c->low, 1.09);
  EXPECT_NEAR(*tuned.ratio_p50_pct, 110, 0.1);
  EXPECT_EQ(tuned.verdict(Metric::loss)->verdict, Verdict::no_difference);  // one lost per repetition each
  const auto& twin = row(*r, "default-twin");
  EXPECT_EQ(twin.verdict(Metric::p50)->verdict, Verdict::no_difference);
  EXPECT_EQ(twin.variance.dominant, "between repetitions");
  EXPECT_GT(*twin.variance.between_sd, 5000);
  // With a floor above the change, a real 10 % is not reported.
  req.min_effect = 0.2;
  auto r2 = build_report(**st, req);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(row(*r2, "tuned").verdict(Metric::p50)->verdict, Verdict::no_difference);
  EXPECT_DOUBLE_EQ(row(*r2, "tuned").verdict(Metric::p50)->floor, 0.2);
}

TEST(BuildReport, ContainerVsHostIsOneTable) {
  TempDir dir;
  auto st = store::SqliteStore::open(dir.path() + "/t.db");
  ASSERT_TRUE(st.ok());
  test::SyntheticExperiment host{"host-peer", "peer", "host", 100'000};
  test::SyntheticExperiment c1{"container-peer", "peer", "docker", 150'000};
  test::SyntheticExperiment c2{"container-peer-2", "peer", "docker", 150'000};
  test::write_run(**st, "cvh", {host, c1, c2}, "{}", 1);
  auto r = build_report(**st, {});
  ASSERT_TRUE(r.ok());
  const auto& g = r->groups.at("node kind");
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[0].key, "host -> netns (peer)");  // the baseline (first row) kind first
  EXPECT_EQ(g[1].key, "docker -> netns (peer)");
  EXPECT_EQ(g[1].samples, 820u);
  EXPECT_NEAR(*g[1].p50, 150000, 150000.0 / 2048);  // pooled in the log histogram
  EXPECT_NEAR(*g[1].ratio_to_first, 150.0, 0.1);
  std::string text = render_text(*r);
  EXPECT_NE(text.find("By node kind"), std::string::npos);
  EXPECT_EQ(text.find("By path kind"), std::string::npos);  // one path kind: no table
  RenderOptions only_path;
  only_path.groups = {"path kind"};
  std::string t2 = render_text(*r, only_path);
  EXPECT_EQ(t2.find("By node kind"), std::string::npos);
  EXPECT_NE(t2.find("By path kind"), std::string::npos);
}

TEST(Render, HostileNamesAreEscaped) {
  TempDir dir;
  auto st = store::SqliteStore::open(dir.path() + "/t.db");
  ASSERT_TRUE(st.ok());
  test::SyntheticExperiment a{"<script>|*_x", "localhost", "netns", 77'000};
  test::SyntheticExperiment b{"a,\"b\"\n[link](http://x)", "peer", "netns", 134'000};
  test::write_run(**st, "<img src=x>|`", {a, b}, "{}", 1);
  auto r = build_report(**st, {});
  ASSERT_TRUE(r.ok());

  std::string md = render_markdown(*r);
  // No markup character reaches the Markdown unescaped.
  auto unescaped = [&](const std::string& needle) {
    for (size_t p = md.find(needle); p != std::string::npos; p = md.find(needle, p + 1))
      if (p == 0 || md[p - 1] != '\\') return true;
    return false;
  };
  EXPECT_FALSE(unescaped("<script>"));
  EXPECT_FALSE(unescaped("<img"));
  EXPECT_FALSE(unescaped("](http"));
  EXPECT_FALSE(unescaped("`"));
  EXPECT_NE(md.find("\\<script\\>\\|\\*\\_x"), std::string::npos);
  // Every summary row has exactly as many unescaped pipes as the header.
  std::istringstream lines(md);
  std::string line, header;
  size_t header_pipes = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("| experiment |", 0) == 0) {
      header = line;
      header_pipes = 0;
      for (size_t i = 0; i < line.size(); ++i)
        header_pipes += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
      continue;
    }
    if (!header.empty() && line.rfind("|", 0) == 0 && line.find("---") == std::string::npos) {
      size_t pipes = 0;
      for (size_t i = 0; i < line.size(); ++i) pipes += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
      EXPECT_EQ(pipes, header_pipes) << line;
    }
    if (line.empty()) header.clear();
  }
  EXPECT_GT(header_pipes, 5u);

  std::string csv = render_csv(*r);
  EXPECT_NE(csv.find(",\"a,\"\"b\"\"\n[link](http://x)\","), std::string::npos);
  EXPECT_NE(csv.find(",<script>|*_x,"), std::string::npos);  // nothing to quote in CSV

  auto j = nlohmann::json::parse(render_json(*r));
  EXPECT_EQ(j["experiments"][0]["name"], "<script>|*_x");
  EXPECT_EQ(j["runs"][0]["scenario"], "<img src=x>|`");
}

TEST(Render, MarkdownAndCsvHelpers) {
  EXPECT_EQ(markdown_escape("a|b*c_d`e[f]g<h>i\\j#k"), "a\\|b\\*c\\_d\\`e\\[f\\]g\\<h\\>i\\\\j\\#k");
  EXPECT_EQ(markdown_escape("two\nlines"), "two lines");
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("x\r\ny"), "\"x\r\ny\"");
  EXPECT_EQ(choose_unit(77000).name, std::string("µs"));
  EXPECT_EQ(choose_unit(2'000'000).name, std::string("ms"));
  EXPECT_EQ(fmt_in(77000, choose_unit(134000)), "77.0");
  EXPECT_EQ(fmt_in(77000, choose_unit(2'000'000)), "0.077");  // seed 000's "0.077 ms"
  EXPECT_EQ(parse_format("markdown"), Format::md);
  EXPECT_FALSE(parse_format("xml"));
}

TEST(Render, TextTableShowsSeed000) {
  Seed000 s;
  std::string t = render_text(s.build());
  EXPECT_NE(t.find("Latency: user-space RTT (µs)"), std::string::npos);
  std::istringstream in(t);
  std::string line;
  bool peer_row = false;
  while (std::getline(in, line))
    if (line.rfind("peer ", 0) == 0 && line.find("174%") != std::string::npos &&
        line.find("+57.0") != std::string::npos && line.find("134.0 [") != std::string::npos)
      peer_row = true;
  EXPECT_TRUE(peer_row) << t;
  EXPECT_NE(t.find("Udp.RcvbufErrors"), std::string::npos);
  EXPECT_NE(t.find("FLAG"), std::string::npos);
}

TEST(Golden, Seed000AllFormats) {
  Seed000 s;
  Report r = s.build();
  check_golden("seed000.txt", render_text(r));
  check_golden("seed000.md", render_markdown(r));
  check_golden("seed000.json", render_json(r));
  check_golden("seed000.csv", render_csv(r));
}

TEST(Golden, TwoRunsText) {
  Seed000 s;
  auto exps = test::seed000_experiments();
  exps[0].base_ns = 150'000;
  test::write_run(*s.store, "seed-000", exps, test::seed000_host("6.2.0", "fq_codel"),
                  1'700'000'100'000'000'000);
  ReportRequest req;
  req.last = 2;
  check_golden("two-runs.txt", render_text(s.build(req)));
}
