// The nightly tables on a real SQLite file: nights in order, metrics per
// night, baselines, a dead nightly marked aborted, retention that keeps the
// runs a baseline names and every night's verdicts.
#include "store/night_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "store/schema.h"
#include "support/test_dir.h"

namespace fs = std::filesystem;
using namespace latlab::store;

namespace {

class NightStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = latlab::test::fresh_test_dir("latlab-night-store");
    path_ = (dir_ / "t.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  int64_t add_run(SqliteStore& s, int64_t started_ns) {
    RunRecord r;
    r.scenario_name = "demo";
    r.scenario_text = "{}";
    r.scenario_hash = "h";
    r.latlab_version = "0.1.0";
    r.started_ns = started_ns;
    r.pid = getpid();
    r.boot_id = current_boot_id();
    auto id = s.begin_run(r);
    EXPECT_TRUE(id.ok());
    EXPECT_TRUE(s.finish_run(*id, "complete", "").ok());
    // ended_ns is now; pretend the run ended when it started.
    auto st = s.db().prepare("UPDATE runs SET ended_ns = ? WHERE id = ?");
    st->bind(1, started_ns).bind(2, *id);
    EXPECT_TRUE(st->run().ok());
    ExperimentRecord e;
    e.run_id = *id;
    e.name = "udp";
    e.probe = "udp";
    e.path_kind = "peer";
    e.from_node = "a";
    e.from_kind = "netns";
    e.target = "198.18.0.2";
    auto eid = s.begin_experiment(e);
    auto sink = s.samples(*eid);
    SampleRecord smp;
    smp.seq = 1;
    smp.rtt_user = 1000;
    EXPECT_TRUE((*sink)->add(smp).ok());
    EXPECT_TRUE((*sink)->flush().ok());
    return *id;
  }

  int64_t add_night(NightStore& ns, int64_t run_id, const std::string& status = "complete") {
    NightRecord n;
    n.suite = "nightly";
    n.suite_hash = "h";
    n.started_ns = 5;
    n.host_fingerprint = "fp";
    n.kernel = "6.1";
    n.latlab_version = "0.1.0";
    n.pid = getpid();
    n.boot_id = current_boot_id();
    auto id = ns.begin_night(n);
    EXPECT_TRUE(id.ok());
    EXPECT_TRUE(ns.add_night_run({*id, "demo", run_id, "complete", ""}).ok());
    NightMetricRecord m;
    m.night_id = *id;
    m.scenario = "demo";
    m.experiment = "udp";
    m.metric = "p50";
    m.measurement = "k";
    m.measurement_json = "{}";
    m.system_json = "{}";
    m.n = 5;
    m.mean = 10.0;
    m.verdict = "ok";
    m.baseline_json = "[1,2]";
    EXPECT_TRUE(ns.put_metric(m).ok());
    EXPECT_TRUE(ns.finish_night(*id, status, 0, "").ok());
    return *id;
  }

  fs::path dir_;
  std::string path_;
};

}  // namespace

TEST_F(NightStoreTest, NightsMetricsAndNotes) {
  auto s = SqliteStore::open(path_);
  ASSERT_TRUE(s.ok()) << s.error().message();
  NightStore ns(**s);
  int64_t a = add_night(ns, add_run(**s, 1)), b = add_night(ns, add_run(**s, 2));
  auto nights = ns.nights("nightly");
  ASSERT_TRUE(nights.ok());
  ASSERT_EQ(nights->size(), 2u);
  EXPECT_EQ((*nights)[0].id, a);
  EXPECT_EQ((*nights)[1].status, "complete");
  EXPECT_TRUE((*nights)[1].ended_ns.has_value());
  auto last = ns.nights("nightly", 1);
  ASSERT_EQ(last->size(), 1u);
  EXPECT_EQ(last->front().id, b);
  auto hist = ns.history("nightly", "demo", "udp", "p50");
  ASSERT_TRUE(hist.ok());
  ASSERT_EQ(hist->size(), 2u);
  EXPECT_EQ((*hist)[1].night_id, b);
  EXPECT_DOUBLE_EQ(*(*hist)[1].mean, 10.0);
  EXPECT_FALSE((*hist)[1].se2.has_value());
  EXPECT_TRUE(ns.set_note(a, "kernel upgrade", 7).ok());
  EXPECT_EQ(ns.night(a)->value().note, "kernel upgrade");
  EXPECT_FALSE(ns.night(999)->has_value());
}

TEST_F(NightStoreTest, ANightWhoseProcessDiedIsAborted) {
  {
    auto s = SqliteStore::open(path_);
    NightStore ns(**s);
    NightRecord n;
    n.suite = "nightly";
    n.suite_hash = "h";
    n.host_fingerprint = "fp";
    n.kernel = "6.1";
    n.latlab_version = "0.1.0";
    n.pid = 999999999;  // no such process
    n.boot_id = current_boot_id();
    ASSERT_TRUE(ns.begin_night(n).ok());
  }
  auto s = SqliteStore::open(path_);
  NightStore ns(**s);
  EXPECT_EQ(ns.nights("")->front().status, "aborted");
}

TEST_F(NightStoreTest, BaselinesRoundTrip) {
  auto s = SqliteStore::open(path_);
  NightStore ns(**s);
  ASSERT_TRUE(ns.set_baseline({"golden", "nightly", {3, 4, 5}, 9, "before the upgrade"}).ok());
  auto b = ns.baseline("golden");
  ASSERT_TRUE(b.ok() && b->has_value());
  EXPECT_EQ((*b)->nights, (std::vector<int64_t>{3, 4, 5}));
  EXPECT_EQ((*b)->note, "before the upgrade");
  EXPECT_TRUE(*ns.clear_baseline("golden"));
  EXPECT_FALSE(*ns.clear_baseline("golden"));
  EXPECT_FALSE(ns.baseline("golden")->has_value());
}

TEST_F(NightStoreTest, GcKeepsBaselineRunsAndEveryNightsVerdicts) {
  auto s = SqliteStore::open(path_);
  NightStore ns(**s);
  int64_t r1 = add_run(**s, 100), r2 = add_run(**s, 200), r3 = add_run(**s, 10'000);
  int64_t n1 = add_night(ns, r1);
  add_night(ns, r2);
  ASSERT_TRUE(ns.set_baseline({"b", "nightly", {n1}, 1, ""}).ok());
  auto dry = ns.gc(1000, true);
  ASSERT_TRUE(dry.ok());
  EXPECT_EQ(dry->runs, (std::vector<int64_t>{r2}));
  EXPECT_EQ(dry->kept_for_baselines, 1u);
  EXPECT_TRUE(s->get()->run(r2).ok());  // a dry run removes nothing
  auto done = ns.gc(1000, false);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->runs, (std::vector<int64_t>{r2}));
  EXPECT_FALSE(s->get()->run(r2).ok());
  EXPECT_TRUE(s->get()->run(r1).ok());
  EXPECT_TRUE(s->get()->run(r3).ok());
  auto left = s->get()->db().prepare("SELECT COUNT(*) FROM samples");
  ASSERT_TRUE(left->step().ok());
  EXPECT_EQ(left->int64(0), 2);  // r1's and r3's
  // Both nights keep their metrics; the removed run is no longer linked.
  EXPECT_EQ(ns.history("nightly", "demo", "udp", "p50")->size(), 2u);
  EXPECT_FALSE(ns.night_runs(n1 + 1)->front().run_id.has_value());
  EXPECT_TRUE(s->get()->integrity_check().ok());
}
