// Faults under a real run (issue: reliability): the disk full under the store
// (a small tmpfs), the store locked by another writer, tcpdump and perf
// killed mid-capture, and a run under sudo whose files are the user's. Each
// checks what the user is told, what the store keeps, and that nothing of the
// lab is left.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "store/sqlite_db.h"
#include "store/store.h"
#include "support/privileged.h"
#include "support/run_command.h"
#include "support/test_dir.h"
#include "support/udp_pair_scenario.h"

namespace fs = std::filesystem;
using latlab::test::latlab_bin;
using latlab::test::run_command;
using nlohmann::json;

namespace {

class FaultsE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = latlab::test::fresh_test_dir("latlab-faults-e2e");
    fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    lab_ = "flt" + std::to_string(getpid() % 100000);
  }
  void TearDown() override {
    if (killer_.joinable()) killer_.join();
    run_command({latlab_bin(), "cleanup", lab_});
    if (mounted_) ::umount2(mounted_->c_str(), MNT_DETACH);
    fs::remove_all(dir_);
  }

  // The two-node UDP lab of the verdict tests: `count` requests at 2 ms, no
  // warm-up, with the given captures, repeated `repeat` times.
  std::string scenario(int count, json captures, int repeat = 1) {
    json j = latlab::test::udp_pair_scenario(lab_, "", count);
    j["repeat"] = repeat;
    auto& e = j["experiments"][0];
    e["warmup"] = 0;
    e["captures"] = std::move(captures);
    auto path = (dir_ / "s.json").string();
    std::ofstream(path) << j.dump(2);
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write | fs::perms::others_read);
    return path;
  }

  // Kills (SIGKILL) the first process whose command line matches `pattern`
  // (pgrep -f), `after` once it appears; gives up after 30 s.
  void kill_when_seen(const std::string& pattern, std::chrono::milliseconds after) {
    killer_ = std::thread([pattern, after] {
      for (int i = 0; i < 600; ++i) {
        auto r = run_command({"pgrep", "-o", "-f", pattern});
        if (r.exit_code == 0) {
          std::this_thread::sleep_for(after);
          run_command({"kill", "-9", r.out.substr(0, r.out.find('\n'))});
          return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
  }

  bool lab_left() {
    return run_command({"ip", "netns", "list"}).out.find("latlab-" + lab_ + "-") != std::string::npos;
  }
  // An agent still running (a zombie waiting for init to reap it is not).
  bool agents_left() { return run_command({"pgrep", "-r", "RSDT", "-f", "latlab-agent"}).exit_code == 0; }

  // A samples count, straight from the file.
  int64_t sql_int(const std::string& db, const std::string& sql) {
    auto r = run_command({"sqlite3", db, sql});
    return r.exit_code == 0 ? std::stoll(r.out) : -1;
  }

  fs::path dir_;
  std::string lab_;
  std::thread killer_;
  std::optional<std::string> mounted_;
};

}  // namespace

// tcpdump SIGKILLed half-way: its capture is failed with the cause, the
// experiment's samples are all there, and the run says so.
TEST_F(FaultsE2E, TcpdumpKilledMidCaptureFailsItsCaptureNotTheSamples) {
  LATLAB_REQUIRE_ROOT();
  LATLAB_REQUIRE_HOST(run_command({"tcpdump", "--version"}).exit_code == 0, "no tcpdump");
  const std::string db = (dir_ / "t.db").string();
  auto file = scenario(1000, {"tcpdump"});
  kill_when_seen("tcpdump.*" + dir_.string(), std::chrono::milliseconds(500));
  auto r = run_command({latlab_bin(), "run", file, "--db", db, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto out = json::parse(r.out);
  EXPECT_EQ(out["status"], "complete");
  EXPECT_EQ(sql_int(db, "SELECT count(*) FROM samples"), 1000);
  auto cap = run_command({"sqlite3", db, "SELECT status || '|' || error FROM captures WHERE kind = 'tcpdump'"});
  EXPECT_EQ(cap.out,
            "failed|tcpdump ended before the experiment did (it was killed by signal 9 (SIGKILL))\n");
  EXPECT_NE(r.err.find("was killed by signal 9"), std::string::npos) << "the progress lines say so: " << r.err;
  EXPECT_FALSE(lab_left());
  EXPECT_EQ(sql_int(db, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'"), 1);
}

// perf record runs the probe: SIGKILLed, the probe goes with it. The
// experiment fails naming perf, its capture fails with perf's own cause,
// and no agent is left running.
TEST_F(FaultsE2E, PerfKilledMidRunFailsTheExperimentNamingPerfAndLeavesNoAgent) {
  LATLAB_REQUIRE_ROOT();
  LATLAB_REQUIRE_HOST(run_command({"perf", "--version"}).exit_code == 0, "no perf");
  const std::string db = (dir_ / "t.db").string();
  auto file = scenario(1000, {"perf"});
  kill_when_seen("perf record.*" + dir_.string(), std::chrono::milliseconds(700));
  auto r = run_command({latlab_bin(), "run", file, "--db", db, "--json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto out = json::parse(r.out);
  EXPECT_EQ(out["status"], "failed");
  auto exp = run_command({"sqlite3", db, "SELECT status || '|' || error FROM experiments"});
  EXPECT_EQ(exp.out.rfind("failed|perf record, which runs the agent, was killed by signal 9 (SIGKILL)", 0), 0u)
      << exp.out;
  const int64_t samples = sql_int(db, "SELECT count(*) FROM samples");
  EXPECT_GT(samples, 0) << "the samples before the kill are kept";
  EXPECT_LT(samples, 1000);
  auto cap = run_command({"sqlite3", db, "SELECT status FROM captures WHERE kind = 'perf'"});
  EXPECT_EQ(cap.out, "failed\n");
  EXPECT_FALSE(agents_left());
  EXPECT_FALSE(lab_left());
}

// The disk under the store fills mid-run (a 1 MiB tmpfs, most of it taken):
// the run stops, exits 1 naming the store and the cause, the lab goes, and
// once there is room again the store is whole and says the run failed.
TEST_F(FaultsE2E, TheDiskFullUnderTheStoreStopsTheRunNamingTheStoreAndKeepsItWhole) {
  LATLAB_REQUIRE_ROOT();
  const fs::path small = dir_ / "small";
  fs::create_directories(small);
  ASSERT_EQ(::mount("tmpfs", small.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=1m"), 0) << std::strerror(errno);
  mounted_ = small.string();
  const std::string db = (small / "t.db").string();
  auto file = scenario(5000, json::array(), 1);
  // The store and its first writes fit; 5,000 samples do not.
  {
    auto s = latlab::store::SqliteStore::open(db);
    ASSERT_TRUE(s.ok()) << s.error().message();
  }
  // Leave 192 KiB: the run's record and its first samples fit.
  struct statvfs vfs {};
  ASSERT_EQ(::statvfs(small.c_str(), &vfs), 0);
  const uint64_t free_kib = vfs.f_bavail * vfs.f_frsize / 1024;
  ASSERT_GT(free_kib, 192u);
  const std::string filler = (small / "filler").string();
  run_command({"dd", "if=/dev/zero", "of=" + filler, "bs=1k", "count=" + std::to_string(free_kib - 192)});
  auto r = run_command({latlab_bin(), "run", file, "--db", db, "--json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto out = json::parse(r.out.empty() ? "{}" : r.out);
  EXPECT_EQ(out.value("status", ""), "failed") << r.out << r.err;
  EXPECT_NE(r.err.find("store " + db), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("full"), std::string::npos) << "says the disk is full: " << r.err;
  EXPECT_FALSE(lab_left());
  EXPECT_FALSE(agents_left());
  fs::remove(filler);
  auto s = latlab::store::SqliteStore::open(db);
  ASSERT_TRUE(s.ok()) << s.error().message();
  EXPECT_TRUE((*s)->integrity_check().ok());
  auto runs = run_command({"sqlite3", db, "SELECT status FROM runs"});
  EXPECT_EQ(runs.out, "failed\n");
  EXPECT_EQ(sql_int(db, "SELECT count(*) FROM experiments WHERE status = 'complete'"), 0);
}

// Another writer holds the store: a short hold is waited out and the run
// keeps every sample; a long one is refused before any lab is built, in one
// line naming the store, with exit 3.
TEST_F(FaultsE2E, AStoreLockedByAnotherWriterIsWaitedOutOrRefusedBeforeAnyLab) {
  LATLAB_REQUIRE_ROOT();
  const std::string db = (dir_ / "t.db").string();
  auto file = scenario(300, json::array());
  {
    auto s = latlab::store::SqliteStore::open(db);
    ASSERT_TRUE(s.ok()) << s.error().message();
  }
  auto writer = latlab::store::Db::open(db, false, false);
  ASSERT_TRUE(writer.ok()) << writer.error().message();
  // Held for the whole run: refused at its first write, nothing built.
  ASSERT_TRUE(writer->exec("BEGIN IMMEDIATE").ok());
  auto r = run_command({latlab_bin(), "run", file, "--db", db});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("store " + db), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("database is locked (another process holds it for writing; waited 5 s)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
  EXPECT_FALSE(lab_left());
  ASSERT_TRUE(writer->exec("ROLLBACK").ok());

  // Held for 2 s mid-run (under the 5 s the store waits): every sample lands.
  std::atomic<bool> held{false};
  std::thread holder([&] {
    while (run_command({"pgrep", "-f", "latlab-agent.*udp"}).exit_code != 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ASSERT_TRUE(writer->exec("BEGIN IMMEDIATE").ok());
    held = true;
    std::this_thread::sleep_for(std::chrono::seconds(2));
    ASSERT_TRUE(writer->exec("COMMIT").ok());
  });
  r = run_command({latlab_bin(), "run", file, "--db", db, "--json"});
  holder.join();
  EXPECT_TRUE(held);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(sql_int(db, "SELECT count(*) FROM samples"), 300);
  EXPECT_FALSE(lab_left());
}

// Under sudo the store, the run directory and its captures are the invoking
// user's, with modes for that user alone; that user reads them with report
// and compare without root, and another user cannot.
TEST_F(FaultsE2E, UnderSudoTheFilesAreTheUsersAloneAndReportAndCompareNeedNoRoot) {
  LATLAB_REQUIRE_ROOT();
  LATLAB_REQUIRE_HOST(run_command({"setpriv", "--version"}).exit_code == 0, "no setpriv (util-linux)");
  LATLAB_REQUIRE_HOST(run_command({"tcpdump", "--version"}).exit_code == 0, "no tcpdump");
  const std::string db = (dir_ / "t.db").string();
  auto file = scenario(40, {"tcpdump"}, 3);
  for (int i = 0; i < 2; ++i) {
    auto r = run_command({"env", "SUDO_UID=65534", "SUDO_GID=65534", latlab_bin(), "run", file, "--db", db});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  struct stat st {};
  ASSERT_EQ(::stat(db.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 65534u);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  size_t dirs = 0, files = 0;
  for (auto it = fs::recursive_directory_iterator(dir_ / "latlab-runs"); it != fs::recursive_directory_iterator();
       ++it) {
    ASSERT_EQ(::lstat(it->path().c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 65534u) << it->path();
    if (S_ISDIR(st.st_mode)) {
      ++dirs;
      EXPECT_EQ(st.st_mode & 07777, 0700u) << it->path();
    } else {
      ++files;
      EXPECT_EQ(st.st_mode & 07777, 0600u) << it->path();
    }
  }
  EXPECT_EQ(dirs, 2u * (1 + 3)) << "two runs of three repetitions";
  EXPECT_GE(files, 6u) << "their pcaps and logs";
  auto as = [&](const char* uid, std::vector<std::string> args) {
    std::vector<std::string> argv = {"setpriv", std::string("--reuid=") + uid, std::string("--regid=") + uid,
                                     "--clear-groups", latlab_bin()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv);
  };
  auto report = as("65534", {"report", "--db", db});
  EXPECT_EQ(report.exit_code, 0) << report.err;
  EXPECT_NE(report.out.find("udp"), std::string::npos) << report.out;
  auto compare = as("65534", {"compare", "1", "2", "--db", db});
  EXPECT_EQ(compare.exit_code, 0) << compare.err;
  auto other = as("65533", {"report", "--db", db});
  EXPECT_EQ(other.exit_code, 3) << other.err;
  EXPECT_NE(other.err.find("store " + db), std::string::npos) << other.err;
  EXPECT_FALSE(lab_left());
}
