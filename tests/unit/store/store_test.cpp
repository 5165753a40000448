// The SQLite store on a real file in a temporary directory.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "store/schema.h"
#include "store/store.h"
#include "support/test_dir.h"

namespace fs = std::filesystem;
using namespace latlab::store;

namespace {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = latlab::test::fresh_test_dir("latlab-store-test");
    path_ = (dir_ / "t.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  RunRecord run_record() {
    RunRecord r;
    r.scenario_name = "demo";
    r.scenario_text = "{}";
    r.scenario_hash = "abc";
    r.latlab_version = "0.1.0";
    r.started_ns = 1;
    r.pid = getpid();
    r.boot_id = current_boot_id();
    return r;
  }

  ExperimentRecord experiment(int64_t run_id) {
    ExperimentRecord e;
    e.run_id = run_id;
    e.name = "peer";
    e.probe = "icmp";
    e.path_kind = "peer";
    e.from_node = "a";
    e.from_kind = "netns";
    e.target = "198.18.0.2";
    return e;
  }

  fs::path dir_;
  std::string path_;
};

}  // namespace

TEST_F(StoreTest, CreatesSchemaWithVersionAndWal) {
  auto s = SqliteStore::open(path_);
  ASSERT_TRUE(s.ok()) << s.error().message();
  auto st = (*s)->db().prepare("PRAGMA user_version");
  ASSERT_TRUE(st.ok());
  ASSERT_TRUE(*st->step());
  EXPECT_EQ(st->int64(0), schema_version);
  auto jm = (*s)->db().prepare("PRAGMA journal_mode");
  ASSERT_TRUE(*jm->step());
  EXPECT_EQ(jm->text(0), "wal");
}

// A new store, and the files SQLite keeps beside it, are the owner's alone;
// an existing store keeps its mode.
TEST_F(StoreTest, ANewStoreIsItsOwnersAlone) {
  {
    auto s = SqliteStore::open(path_);
    ASSERT_TRUE(s.ok()) << s.error().message();
    ASSERT_TRUE((*s)->begin_run(run_record()).ok());
    for (const char* suffix : {"", "-wal", "-shm"}) {
      const fs::path p = path_ + suffix;
      if (!fs::exists(p)) continue;
      EXPECT_EQ(fs::status(p).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write)
          << p;
    }
  }
  fs::permissions(path_, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  ASSERT_TRUE(SqliteStore::open(path_).ok());
  EXPECT_EQ(fs::status(path_).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
}

// `latlab report` on a store whose -shm file the user may not create reads it
// as an immutable snapshot: the file, not what is still only in the -wal file.
// The path is given to SQLite as a URI, so spaces and '%' must survive it.
TEST_F(StoreTest, SnapshotReadsTheFileNotTheWal) {
  fs::path odd = dir_ / "a b%20c";
  fs::create_directories(odd);
  const std::string path = (odd / "t.db").string();
  {
    auto s = SqliteStore::open(path);
    ASSERT_TRUE(s.ok()) << s.error().message();
    ASSERT_TRUE((*s)->begin_run(run_record()).ok());
  }  // the last connection closes: the run is checkpointed into the file
  auto writer = SqliteStore::open(path);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->begin_run(run_record()).ok());  // only in the -wal file

  auto snap = SqliteStore::open_snapshot(path);
  ASSERT_TRUE(snap.ok()) << snap.error().message();
  auto seen = (*snap)->runs();
  ASSERT_TRUE(seen.ok()) << seen.error().message();
  EXPECT_EQ(seen->size(), 1u);

  auto reader = open_for_reading(path);  // this test may create the -shm file
  ASSERT_TRUE(reader.ok()) << reader.error().message();
  EXPECT_FALSE(reader->snapshot);
  auto all = reader->store->runs();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2u);

  auto missing = SqliteStore::open_snapshot((odd / "none.db").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message().rfind("store " + (odd / "none.db").string() + ": cannot open: ", 0), 0u)
      << missing.error().message();
}

TEST_F(StoreTest, RefusesAStoreFromANewerLatlab) {
  {
    auto db = Db::open(path_, true);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->exec("PRAGMA user_version=99").ok());
  }
  auto s = SqliteStore::open(path_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(
      s.error().message(),
      "store " + path_ + ": schema version 99 is newer than this latlab understands (" +
          std::to_string(schema_version) + "); use a newer latlab");
}

TEST_F(StoreTest, RoundTripsRunExperimentAndSamplesInOrder) {
  auto s = SqliteStore::open(path_);
  ASSERT_TRUE(s.ok());
  auto run = (*s)->begin_run(run_record());
  ASSERT_TRUE(run.ok()) << run.error().message();
  auto exp = (*s)->begin_experiment(experiment(*run));
  ASSERT_TRUE(exp.ok()) << exp.error().message();
  {
    auto sink = (*s)->samples(*exp);
    ASSERT_TRUE(sink.ok());
    for (int64_t i = 0; i < 50000; ++i) {
      SampleRecord r;
      r.seq = i;
      r.warmup = i < 5;
      r.status = i % 100 == 7 ? SampleStatus::lost : SampleStatus::ok;
      if (r.status == SampleStatus::ok) r.rtt_user = 1000 + i;
      ASSERT_TRUE((*sink)->add(r).ok());
    }
    ASSERT_TRUE((*sink)->flush().ok());
  }
  int64_t n = 0, lost = 0, warm = 0, last = -1;
  bool ordered = true;
  ASSERT_TRUE((*s)->for_each_sample(*exp,
                                    [&](const SampleRecord& r) {
                                      ordered = ordered && r.seq == last + 1;
                                      last = r.seq;
                                      ++n;
                                      lost += r.status == SampleStatus::lost;
                                      warm += r.warmup;
                                      if (r.status == SampleStatus::lost)
                                        EXPECT_FALSE(r.rtt_user.has_value());
                                      else
                                        EXPECT_EQ(*r.rtt_user, 1000 + r.seq);
                                    })
                  .ok());
  EXPECT_EQ(n, 50000);
  EXPECT_EQ(lost, 500);
  EXPECT_EQ(warm, 5);
  EXPECT_TRUE(ordered);
  ASSERT_TRUE((*s)->finish_run(*run, "complete", "").ok());
  auto rr = (*s)->run(*run);
  ASSERT_TRUE(rr.ok());
  EXPECT_EQ(rr->status, "complete");
  EXPECT_TRUE(rr->ended_ns.has_value());
  EXPECT_TRUE((*s)->integrity_check().ok());
}

TEST_F(StoreTest, MarksRunsOfDeadProcessesAborted) {
  // A pid that cannot be alive: above the kernel's hard pid_max (2^22).
  const int64_t dead = (int64_t{1} << 22) + 1;
  int64_t run_id = 0;
  {
    auto s = SqliteStore::open(path_);
    ASSERT_TRUE(s.ok());
    auto r = run_record();
    r.pid = dead;
    run_id = *(*s)->begin_run(r);
    auto live = (*s)->begin_run(run_record());  // this process: alive
    ASSERT_TRUE(live.ok());
    ASSERT_TRUE((*s)->begin_experiment(experiment(run_id)).ok());
  }
  auto s = SqliteStore::open(path_);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ((*s)->aborted_on_open().size(), 1u);
  EXPECT_EQ((*s)->aborted_on_open()[0], run_id);
  EXPECT_EQ((*s)->run(run_id)->status, "aborted");
  EXPECT_EQ((*s)->run(run_id + 1)->status, "running");
  auto exps = (*s)->experiments(run_id);
  ASSERT_TRUE(exps.ok());
  ASSERT_EQ(exps->size(), 1u);
  EXPECT_EQ((*exps)[0].status, "interrupted");
}

TEST_F(StoreTest, CountersStacksCapturesAndTraceEvents) {
  auto s = SqliteStore::open(path_);
  auto run = *(*s)->begin_run(run_record());
  auto exp = *(*s)->begin_experiment(experiment(run));
  ASSERT_TRUE((*s)->add_counters(exp, {{"before", "a", "snmp", "Udp.InDatagrams", 10},
                                       {"after", "a", "snmp", "Udp.InDatagrams", 25},
                                       {"delta", "a", "snmp", "Udp.InDatagrams", 15}})
                  .ok());
  ASSERT_TRUE((*s)->add_stacks(exp, {{"ping;main;sendto", 3}, {"ping;main;recvmsg", 2}}).ok());
  CaptureRecord c;
  c.experiment_id = exp;
  c.kind = "tcpdump";
  c.interface = "a:eth0";
  c.status = "ok";
  c.summary_json = R"({"frames":10})";
  ASSERT_TRUE((*s)->add_capture(c).ok());
  ASSERT_TRUE((*s)->add_trace_events(exp, {{5, 0, "net:net_dev_xmit", "0xffff1", "eth0", 98, ""}}).ok());
  auto counters = (*s)->counters(exp);
  ASSERT_EQ(counters->size(), 3u);
  EXPECT_EQ((*counters)[2].value, 15);
  EXPECT_EQ((*s)->stacks(exp)->size(), 2u);
  EXPECT_EQ((*s)->captures(exp)->at(0).summary_json, R"({"frames":10})");
  EXPECT_EQ((*s)->trace_events(exp)->at(0).event, "net:net_dev_xmit");
}

TEST_F(StoreTest, DefaultPathPrefersFlagThenEnvironment) {
  EXPECT_EQ(default_db_path("/x.db"), "/x.db");
  setenv("LATLAB_DB", "/env.db", 1);
  EXPECT_EQ(default_db_path(""), "/env.db");
  unsetenv("LATLAB_DB");
  EXPECT_EQ(default_db_path(""), "latlab.db");
}

TEST_F(StoreTest, SampleSinkRefusesAnUnknownExperiment) {
  auto s = SqliteStore::open(path_);
  ASSERT_TRUE(s.ok());
  auto sink = (*s)->samples(42);
  ASSERT_FALSE(sink.ok());
  EXPECT_EQ(sink.error().message(), "store " + path_ + ": experiment 42 does not exist");
}

TEST_F(StoreTest, ALateLineForTheSameSeqReplacesTheLostOne) {
  auto s = SqliteStore::open(path_);
  auto run = *(*s)->begin_run(run_record());
  auto exp = *(*s)->begin_experiment(experiment(run));
  {
    auto sink = *(*s)->samples(exp);
    SampleRecord lost;
    lost.seq = 3;
    lost.status = SampleStatus::lost;
    ASSERT_TRUE(sink->add(lost).ok());
    SampleRecord late = lost;
    late.status = SampleStatus::late;
    late.rtt_user = 1'500'000'000;
    ASSERT_TRUE(sink->add(late).ok());
    ASSERT_TRUE(sink->flush().ok());
  }
  int n = 0;
  ASSERT_TRUE((*s)->for_each_sample(exp,
                                    [&](const SampleRecord& r) {
                                      ++n;
                                      EXPECT_EQ(r.status, SampleStatus::late);
                                      EXPECT_EQ(*r.rtt_user, 1'500'000'000);
                                    })
                  .ok());
  EXPECT_EQ(n, 1);
}

TEST_F(StoreTest, AWriteTheStoreRefusesNamesTheStoreAndSqlitesReason) {
  auto s = SqliteStore::open(path_);
  ASSERT_TRUE(s.ok());
  auto run = *(*s)->begin_run(run_record());
  auto exp = *(*s)->begin_experiment(experiment(run));
  auto sink = (*s)->samples(exp);
  ASSERT_TRUE(sink.ok());
  // From here on SQLite refuses every write, as it does on a read-only file.
  ASSERT_TRUE((*s)->db().exec("PRAGMA query_only = ON").ok());
  const std::string refused = "attempt to write a readonly database";

  auto fin = (*s)->finish_experiment(experiment(run));
  ASSERT_FALSE(fin.ok());
  EXPECT_EQ(fin.error().message(), "store " + path_ + ": " + refused);

  auto counters = (*s)->add_counters(exp, {{"before", "a", "snmp", "InErrors", 1}});
  ASSERT_FALSE(counters.ok());
  EXPECT_EQ(counters.error().message(), "store " + path_ + ": begin transaction: " + refused);

  SampleRecord r;
  r.seq = 7;
  auto added = (*sink)->add(r);
  ASSERT_FALSE(added.ok());
  EXPECT_EQ(added.error().message(), "store " + path_ + ": sample 7: " + refused);
}

TEST_F(StoreTest, WireTimesOfManySamplesInOneCallKeepWhatACaptureDidNotSee) {
  auto s = SqliteStore::open(path_);
  ASSERT_TRUE(s.ok());
  auto run = *(*s)->begin_run(run_record());
  auto exp = *(*s)->begin_experiment(experiment(run));
  {
    auto sink = *(*s)->samples(exp);
    for (int64_t seq = 0; seq < 3; ++seq) {
      SampleRecord r;
      r.seq = seq;
      r.wire_recv = seq == 1 ? std::optional<int64_t>(99) : std::nullopt;
      ASSERT_TRUE(sink->add(r).ok());
    }
    ASSERT_TRUE(sink->flush().ok());
  }
  ASSERT_TRUE((*s)->set_wire_times(exp, {{0, 10, 20}, {1, 11, std::nullopt}}).ok());
  std::vector<std::pair<std::optional<int64_t>, std::optional<int64_t>>> wire;
  ASSERT_TRUE(
      (*s)->for_each_sample(exp, [&](const SampleRecord& r) { wire.emplace_back(r.wire_send, r.wire_recv); })
          .ok());
  ASSERT_EQ(wire.size(), 3u);
  EXPECT_EQ(wire[0], std::make_pair(std::optional<int64_t>(10), std::optional<int64_t>(20)));
  EXPECT_EQ(wire[1], std::make_pair(std::optional<int64_t>(11), std::optional<int64_t>(99)));
  EXPECT_EQ(wire[2], std::make_pair(std::optional<int64_t>(), std::optional<int64_t>()));
}
