// The runner against a real SQLite store that refuses a write part-way
// through an experiment: the run stops there with an error naming the store
// and SQLite's reason, and is failed, never complete with samples missing.
// The lab is the recording NetlinkOps fake and the probe a scripted child
// that prints what latlab-agent prints; no root needed.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <deque>
#include <filesystem>
#include <functional>

#include "run/runner.h"
#include "run/signals.h"
#include "scenario/load.h"
#include "store/store.h"
#include "support/fake_netlink_ops.h"
#include "support/test_dir.h"

namespace fs = std::filesystem;
using namespace latlab;

namespace {

// Prints a header, `samples` ok samples and a summary, as latlab-agent does,
// calling before_sample(seq) before each sample line. SIGTERM makes it skip
// to its summary and exit 143, as the agent does.
class ScriptedProbe : public process::Child {
 public:
  // signals: where the signals it gets are written (it outlives the child).
  ScriptedProbe(int samples, std::function<void(int)> before_sample, std::vector<int>& signals)
      : samples_(samples), before_sample_(std::move(before_sample)), signals_(signals) {}
  pid_t pid() const override { return 4242; }
  Result<std::optional<std::string>> read_line(std::chrono::milliseconds) override {
    if (step_ == 0) {
      ++step_;
      return std::optional<std::string>(R"({"type":"header","clock":{"realtime_minus_monotonic_ns":1000}})");
    }
    int seq = step_ - 1;
    if (!terminated_ && seq < samples_) {
      ++step_;
      if (before_sample_) before_sample_(seq);
      return std::optional<std::string>(
          R"({"type":"sample","warmup":false,"status":"ok","rtt_user_ns":50000,"seq":)" +
          std::to_string(seq) + "}");
    }
    if (!summarized_) {
      summarized_ = true;
      return std::optional<std::string>(R"({"type":"summary","sent":)" + std::to_string(seq) +
                                        R"(,"received":)" + std::to_string(seq) + R"(,"lost":0,"warmup":0})");
    }
    return std::optional<std::string>();
  }
  int stdout_fd() const override { return -1; }
  void signal(int sig) override {
    signals_.push_back(sig);
    if (sig == SIGTERM) terminated_ = true;
  }
  Result<int> wait(std::chrono::milliseconds) override { return terminated_ ? 128 + SIGTERM : 0; }
  std::string stderr_text() override { return ""; }
  bool exited() override { return summarized_; }

 private:
  int samples_;
  std::function<void(int)> before_sample_;
  std::vector<int>& signals_;
  int step_ = 0;
  bool terminated_ = false;
  bool summarized_ = false;
};

class ScriptedLauncher : public process::ProcessLauncher {
 public:
  ScriptedLauncher(int samples, std::function<void(int)> before_sample)
      : samples_(samples), before_sample_(std::move(before_sample)) {}
  Result<std::unique_ptr<process::Child>> spawn(const process::SpawnSpec& spec) override {
    spawned.push_back(spec.argv);
    signals.emplace_back();
    return std::unique_ptr<process::Child>(new ScriptedProbe(samples_, before_sample_, signals.back()));
  }
  std::vector<std::vector<std::string>> spawned;
  std::deque<std::vector<int>> signals;  // of each child spawned

 private:
  int samples_;
  std::function<void(int)> before_sample_;
};

class RunnerStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = latlab::test::fresh_test_dir("latlab-runner-store");
    fs::create_directories(dir_ / "state");
    db_path_ = (dir_ / "t.db").string();
    auto s = store::SqliteStore::open(db_path_);
    ASSERT_TRUE(s.ok()) << s.error().message();
    store_ = std::move(*s);
    run::interrupts().count.store(0);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Two experiments of 6 samples each, one after the other, from a netns
  // node to its own loopback (the kernel answers: no responder).
  scenario::LoadResult scenario() {
    auto r = scenario::load_scenario_text(R"({
      "latlab": 1, "name": "storefail",
      "nodes": {"a": {"kind": "netns"}},
      "experiments": [
        {"name": "first", "probe": "icmp", "from": "a", "to": "localhost", "count": 6, "warmup": 0, "interval": "1ms"},
        {"name": "second", "probe": "icmp", "from": "a", "to": "localhost", "count": 6, "warmup": 0, "interval": "1ms"}
      ],
      "order": "sequential", "repeat": 1})",
                                          "storefail.json");
    EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0].str());
    return r;
  }

  Result<run::RunOutcome> run(ScriptedLauncher& launcher) {
    auto sc = scenario();
    if (!sc.ok()) return Error("scenario did not load");
    run::RunOptions opt;
    opt.scenario_path = "storefail.json";
    opt.agent_path = "/opt/latlab/latlab-agent";
    opt.runs_root = (dir_ / "runs").string();
    topology::FileStateStore states((dir_ / "state").string());
    run::Runner runner(sc, opt, ops_, states, *store_, launcher,
                       [&](const run::ProgressEvent& ev) { progress_.push_back(ev); });
    return runner.run();
  }

  fs::path dir_;
  std::string db_path_;
  std::unique_ptr<store::SqliteStore> store_;
  topology::FakeNetlinkOps ops_;
  std::vector<run::ProgressEvent> progress_;
};

}  // namespace

TEST_F(RunnerStoreTest, AllSamplesStoredTheRunIsComplete) {
  ScriptedLauncher launcher(6, nullptr);
  auto out = run(launcher);
  ASSERT_TRUE(out.ok()) << out.error().message();
  EXPECT_EQ(out->status, "complete") << out->error;
  EXPECT_EQ(launcher.spawned.size(), 2u);
  auto exps = store_->experiments(out->run_id);
  ASSERT_TRUE(exps.ok());
  ASSERT_EQ(exps->size(), 2u);
  for (const auto& e : *exps) {
    EXPECT_EQ(e.status, "complete") << e.name << ": " << e.error;
    int64_t n = 0;
    ASSERT_TRUE(store_->for_each_sample(e.id, [&](const store::SampleRecord&) { ++n; }).ok());
    EXPECT_EQ(n, 6) << e.name;
  }
  EXPECT_EQ(store_->run(out->run_id)->status, "complete");
}

// SQLite refuses the sample rows from seq 3 on (a trigger raises, as a full
// disk would make the insert fail); every other write still works.
TEST_F(RunnerStoreTest, ARefusedSampleStopsTheRunWhichIsFailedWithTheStoreAndTheCause) {
  ASSERT_TRUE(store_->db()
                  .exec("CREATE TEMP TRIGGER refuse_samples BEFORE INSERT ON main.samples WHEN NEW.seq >= 3 "
                        "BEGIN SELECT RAISE(ABORT, 'no room for this sample'); END")
                  .ok());
  ScriptedLauncher launcher(6, nullptr);
  auto out = run(launcher);
  ASSERT_TRUE(out.ok()) << out.error().message();

  const std::string error = "first (repetition 0): store " + db_path_ + ": sample 3: no room for this sample";
  EXPECT_EQ(out->status, "failed");
  EXPECT_EQ(out->error, error);
  ASSERT_EQ(out->experiments.size(), 1u) << "the run stopped at the first experiment";
  EXPECT_EQ(out->experiments[0].errors, std::vector<std::string>{error});
  ASSERT_EQ(launcher.signals.size(), 1u);
  EXPECT_EQ(launcher.signals[0], std::vector<int>{SIGTERM}) << "the probe is stopped";

  auto run = store_->run(out->run_id);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->status, "failed");
  EXPECT_EQ(run->error, error);
  auto exps = store_->experiments(out->run_id);
  ASSERT_TRUE(exps.ok());
  ASSERT_EQ(exps->size(), 1u);
  EXPECT_EQ(exps->front().status, "failed");
  EXPECT_EQ(exps->front().error, "store " + db_path_ + ": sample 3: no room for this sample");
  int64_t n = 0;
  ASSERT_TRUE(store_->for_each_sample(exps->front().id, [&](const store::SampleRecord&) { ++n; }).ok());
  EXPECT_EQ(n, 3) << "the samples before the refused one are kept";
  EXPECT_TRUE(ops_.spaces.size() == 1 && ops_.spaces.count("")) << "the lab was torn down";
}

// From the fourth sample on the store refuses every write (query_only, as
// SQLite does on a read-only file): not even the run's end can be recorded,
// and the outcome still says failed, naming the store and the cause.
TEST_F(RunnerStoreTest, AStoreThatRefusesEveryWriteMidRunFailsTheRun) {
  ScriptedLauncher launcher(6, [&](int seq) {
    if (seq == 3) {
      ASSERT_TRUE(store_->db().exec("PRAGMA query_only = ON").ok());
    }
  });
  auto out = run(launcher);
  ASSERT_TRUE(out.ok()) << out.error().message();

  // The probe's lines are read on a thread of their own: the refused write
  // is sample 3 or one before it, whichever the store saw first.
  const std::string refused_tail = ": attempt to write a readonly database";
  EXPECT_EQ(out->status, "failed");
  const std::string head = "first (repetition 0): store " + db_path_ + ": sample ";
  ASSERT_EQ(out->error.rfind(head, 0), 0u) << out->error;
  const std::string refused = out->error.substr(head.size() - ("store " + db_path_ + ": sample ").size(),
                                                out->error.find(refused_tail) + refused_tail.size() -
                                                    (head.size() - ("store " + db_path_ + ": sample ").size()));
  EXPECT_NE(out->error.find(refused_tail), std::string::npos) << out->error;
  EXPECT_NE(
      out->error.find("record the run's end: store " + db_path_ + ": attempt to write a readonly database"),
      std::string::npos)
      << out->error;
  ASSERT_EQ(out->experiments.size(), 1u);
  EXPECT_EQ(launcher.spawned.size(), 1u) << "the second experiment did not run";
  bool said = false;
  for (const auto& ev : progress_)
    said = said || (ev.kind == run::ProgressEvent::Kind::experiment_end && ev.text == "failed: " + refused);
  EXPECT_TRUE(said) << "the experiment's progress line says why it failed";
}
