// Capture "perf": the probe's argv wrapped by wrap_probe() runs under
// perf record; ingest folds the samples into stacks in the store.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>

#include "run/capture.h"
#include "run_test_lab.h"
#include "store/store.h"
#include "support/privileged.h"

namespace fs = std::filesystem;
using namespace latlab;
using namespace std::chrono_literals;
using namespace latlab::test;

TEST(PerfCapture, WrappedPingStoresFoldedStacksWithKernelFrames) {
  LATLAB_REQUIRE_ROOT();
  ASSERT_TRUE(process::find_in_path("perf")) << "perf is not installed (Debian package linux-perf)";
  TempStore ts("perf", "localhost");
  ASSERT_TRUE(ts.db);
  const fs::path& dir = ts.dir;

  scenario::Lab lab;
  scenario::Experiment exp;
  scenario::CaptureSpec spec;
  spec.kind = "perf";
  process::RealLauncher launcher;
  run::ExperimentContext ctx;
  ctx.lab = &lab;
  ctx.exp = &exp;
  ctx.experiment_id = ts.experiment_id;
  ctx.dir = dir.string();
  ctx.store = ts.db.get();
  ctx.launcher = &launcher;

  auto cap = run::find_capture_kind("perf")->make(spec);
  auto st = cap->start(ctx);
  ASSERT_TRUE(st.ok()) << st.error().message();
  std::vector<std::string> argv = {"ping", "-q", "-c", "20", "-i", "0.01", "127.0.0.1"};
  cap->wrap_probe(argv, ctx);
  ASSERT_GT(argv.size(), 7u);
  EXPECT_EQ(fs::path(argv[0]).filename(), "perf");
  EXPECT_EQ(argv[1], "record");
  process::SpawnSpec s;
  s.argv = argv;
  auto child = launcher.spawn(s);
  ASSERT_TRUE(child.ok()) << child.error().message();
  auto rc = (*child)->wait(30s);
  ASSERT_TRUE(rc.ok());
  ASSERT_EQ(*rc, 0) << (*child)->stderr_text();
  ASSERT_TRUE(cap->stop(ctx).ok());
  st = cap->ingest(ctx);
  ASSERT_TRUE(st.ok()) << st.error().message();

  auto stacks = ts.db->stacks(ts.experiment_id);
  ASSERT_TRUE(stacks.ok());
  int64_t total = 0;
  bool kernel = false, ping_root = false;
  for (const auto& s : *stacks) {
    total += s.weight;
    if (s.stack.find("_[k]") != std::string::npos) kernel = true;
    if (s.stack.rfind("ping;", 0) == 0 || s.stack == "ping") ping_root = true;
  }
  EXPECT_GT(total, 0);
  EXPECT_TRUE(kernel);
  EXPECT_TRUE(ping_root);

  auto caps = ts.db->captures(ts.experiment_id);
  ASSERT_TRUE(caps.ok());
  ASSERT_EQ(caps->size(), 1u);
  EXPECT_EQ((*caps)[0].status, "ok");
  EXPECT_TRUE(fs::exists((*caps)[0].file));
  EXPECT_EQ(fs::status((*caps)[0].file).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  auto j = nlohmann::json::parse((*caps)[0].summary_json);
  RecordProperty("summary", j.dump());
  EXPECT_EQ(j["event"], "cpu-clock");
  EXPECT_EQ(j["total_weight"].get<int64_t>(), total);
  EXPECT_EQ(j["stacks"].get<size_t>(), stacks->size());
  EXPECT_GT(j["samples"].get<int64_t>(), 0);
}

TEST(PerfCapture, IngestWithoutAWrappedProbeFailsNamingWhy) {
  LATLAB_REQUIRE_ROOT();
  ASSERT_TRUE(process::find_in_path("perf")) << "perf is not installed (Debian package linux-perf)";
  fs::path dir = fs::temp_directory_path() / ("latlab-run-int-perf-nowrap-" + std::to_string(getpid()));
  fs::create_directories(dir);
  auto db = store::SqliteStore::open((dir / "t.db").string());
  ASSERT_TRUE(db.ok());
  scenario::Lab lab;
  scenario::Experiment exp;
  scenario::CaptureSpec spec;
  spec.kind = "perf";
  process::RealLauncher launcher;
  run::ExperimentContext ctx;
  ctx.lab = &lab;
  ctx.exp = &exp;
  ctx.experiment_id = 1;
  ctx.dir = dir.string();
  ctx.store = db->get();
  ctx.launcher = &launcher;
  auto cap = run::find_capture_kind("perf")->make(spec);
  ASSERT_TRUE(cap->start(ctx).ok());
  ASSERT_TRUE(cap->stop(ctx).ok());
  auto st = cap->ingest(ctx);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message(), "perf: the probe was not run under perf record");
  db->reset();
  fs::remove_all(dir);
}
