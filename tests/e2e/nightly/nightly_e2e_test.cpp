// `latlab nightly` end to end on real nights: the real binaries, a real lab,
// a real store. Three nights give no baseline; an unchanged fourth is ok; a
// responder delay from night 5 on is suspected that night (exit 4) and
// confirmed the next (exit 1), with a JUnit failure and the change point on
// the history page. Bad input exits 2 and a held lock 3, printing no verdict.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/privileged.h"
#include "support/run_command.h"
#include "support/udp_pair_scenario.h"

namespace fs = std::filesystem;
using latlab::test::latlab_bin;
using latlab::test::run_command;
using nlohmann::json;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class NightlyE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("latlab-nightly-e2e-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "t.db").string();
    lab_ = "ngt" + std::to_string(getpid() % 100000);
    lock_ = (dir_ / "nightly.lock").string();
    ::setenv("LATLAB_NIGHTLY_LOCK", lock_.c_str(), 1);
  }
  void TearDown() override {
    run_command({latlab_bin(), "cleanup", lab_});  // whatever happened, leave no lab behind
    ::unsetenv("LATLAB_NIGHTLY_LOCK");
    fs::remove_all(dir_);
  }

  // A UDP ping-pong over a veth pair; `delay` is the system change a gate must catch.
  void write_scenario(const std::string& delay) {
    std::ofstream(dir_ / "s.json") << latlab::test::udp_pair_scenario(lab_, delay, 40).dump(2);
  }
  void write_suite(const json& extra = json::object()) {
    json suite = {{"suite", "e2e"},
                  {"repeat", 3},
                  {"scenarios",
                   json::array({{{"file", "s.json"},
                                 {"gate", json::array({{{"experiment", "udp"}, {"metrics", {"p50"}}}})}}})}};
    suite.update(extra);
    std::ofstream(dir_ / "suite.json") << suite.dump(2);
  }
  latlab::test::CommandResult nightly(std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {latlab_bin(), "nightly", (dir_ / "suite.json").string(), "--db", db_};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run_command(argv);
  }
  json nightly_json(int want_exit, std::vector<std::string> extra = {}) {
    extra.push_back("--json");
    auto r = nightly(extra);
    EXPECT_EQ(r.exit_code, want_exit) << r.out << r.err;
    json j = json::parse(r.out, nullptr, false);
    EXPECT_TRUE(j.is_object()) << r.out << r.err;
    return j;
  }
  static std::string verdict(const json& night) {
    if (!night.is_object() || night["metrics"].empty()) return "(none)";
    return night["metrics"][0]["verdict"].get<std::string>();
  }

  fs::path dir_;
  std::string db_, lab_, lock_;
};

TEST_F(NightlyE2E, NoBaselineThenOkThenSuspectedThenConfirmed) {
  LATLAB_REQUIRE_ROOT();
  write_scenario("");
  write_suite();
  for (int i = 1; i <= 3; ++i) {
    json n = nightly_json(0);
    EXPECT_EQ(verdict(n), "no baseline") << n.dump(2);
  }
  // Two unchanged nights: ok (a 99 % interval over 3 and 4 nights is wide).
  for (int i = 4; i <= 5; ++i) {
    json ok = nightly_json(0);
    EXPECT_TRUE(verdict(ok) == "ok" || verdict(ok) == "improved") << ok.dump(2);
    std::vector<int> want;
    for (int k = 1; k < i; ++k) want.push_back(k);
    EXPECT_EQ(ok["metrics"][0]["baseline_nights"], json(want));
  }
  // The system under test changes: +1 ms in the responder, on a ~50 us path
  // (the nights of a loaded CI machine may differ by half of that).
  write_scenario("1ms");
  json sus = nightly_json(4, {"--junit", (dir_ / "6.xml").string()});
  EXPECT_EQ(verdict(sus), "suspected") << sus.dump(2);
  EXPECT_GT(sus["metrics"][0]["ratio"].get<double>(), 2.0);
  EXPECT_NE(sus["metrics"][0].dump().find("responder_delay_ns 0 -> 1000000"), std::string::npos)
      << sus.dump(2);
  // Night 7: still suspected (two nights from the change are not enough to confirm).
  json sus7 = nightly_json(4);
  EXPECT_EQ(verdict(sus7), "suspected") << sus7.dump(2);
  auto conf = nightly({"--junit", (dir_ / "8.xml").string(), "--html", (dir_ / "8.html").string()});
  EXPECT_EQ(conf.exit_code, 1) << conf.out << conf.err;
  EXPECT_NE(conf.out.find("confirmed"), std::string::npos) << conf.out;
  EXPECT_NE(conf.out.find("change point at night 6"), std::string::npos) << conf.out;
  std::string junit = slurp(dir_ / "8.xml");
  EXPECT_NE(junit.find("<failure type=\"confirmed\""), std::string::npos) << junit;
  EXPECT_NE(junit.find("failures=\"1\""), std::string::npos) << junit;
  EXPECT_EQ(slurp(dir_ / "6.xml").find("<failure"), std::string::npos);
  std::string html = slurp(dir_ / "8.html");
  EXPECT_NE(html.find("class=\"change-point\" data-night=\"6\""), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);  // offline: nothing to run or fetch
  EXPECT_EQ(html.find("http"), std::string::npos);

  // The history as stored: `nights` lists them; `nights --show` gives night 8 again.
  auto list = run_command({latlab_bin(), "nights", "--db", db_, "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  json l = json::parse(list.out);
  ASSERT_EQ(l.size(), 8u);
  EXPECT_EQ(l[7]["exit_code"], 1);
  auto show = run_command({latlab_bin(), "nights", "--db", db_, "--show", "8", "--json"});
  EXPECT_EQ(show.exit_code, 1);
  EXPECT_EQ(verdict(json::parse(show.out)), "confirmed");

  // The change was expected after all: a note on night 6 starts a new epoch,
  // whose nights 6-8 (alarmed only against the old one) are night 9's baseline.
  auto note = run_command({latlab_bin(), "note", "6", "responder delay added on purpose", "--db", db_});
  EXPECT_EQ(note.exit_code, 0) << note.err;
  json after = nightly_json(0);
  EXPECT_TRUE(verdict(after) == "ok" || verdict(after) == "improved") << after.dump(2);
  EXPECT_EQ(after["metrics"][0]["baseline_nights"], json({6, 7, 8})) << after.dump(2);

  // Baselines and retention.
  auto bad_set =
      run_command({latlab_bin(), "baseline", "set", "b", "--suite", "e2e", "--nights", "1,2", "--db", db_});
  EXPECT_EQ(bad_set.exit_code, 2);
  EXPECT_NE(bad_set.err.find("a baseline needs at least 3"), std::string::npos) << bad_set.err;
  auto set =
      run_command({latlab_bin(), "baseline", "set", "b", "--suite", "e2e", "--nights", "1,2,3", "--db", db_});
  EXPECT_EQ(set.exit_code, 0) << set.err;
  auto bs = run_command({latlab_bin(), "baseline", "show", "--db", db_, "--json"});
  EXPECT_EQ(json::parse(bs.out)[0]["nights"], json({1, 2, 3}));
  auto gc = run_command({latlab_bin(), "gc", "--keep-days", "1", "--dry-run", "--json", "--db", db_});
  EXPECT_EQ(gc.exit_code, 0) << gc.err;
  EXPECT_EQ(json::parse(gc.out)["runs"].size(), 0u);  // nothing is a day old
}

TEST_F(NightlyE2E, BadInputAndAHeldLockPrintNoVerdict) {
  LATLAB_REQUIRE_ROOT();
  write_scenario("");
  // A gate naming an experiment the scenario does not have.
  json bad = {
      {"suite", "e2e"},
      {"scenarios", json::array({{{"file", "s.json"}, {"gate", json::array({{{"experiment", "upd"}}})}}})}};
  std::ofstream(dir_ / "suite.json") << bad.dump();
  auto r = nightly();
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(
      r.err,
      (dir_ / "suite.json").string() +
          ":1:54: error: /scenarios/0/gate/0/experiment: scenario \"s.json\" has no experiment \"upd\"; "
          "its experiments are udp (did you mean \"udp\"?)\n");
  EXPECT_FALSE(fs::exists(db_));  // nothing was touched
  // A named baseline that is not set.
  write_suite({{"baseline", {{"name", "golden"}}}});
  r = nightly();
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("baseline \"golden\" is not set"), std::string::npos) << r.err;
  // Another nightly job holds the lock.
  write_suite();
  int fd = ::open(lock_.c_str(), O_RDWR | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  ASSERT_EQ(::write(fd, "4242\n", 5), 5);
  r = nightly();
  ::close(fd);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("another nightly job (pid 4242) holds " + lock_), std::string::npos) << r.err;
  // A store from a newer latlab.
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_.c_str(), &db), SQLITE_OK);
    sqlite3_exec(db, "PRAGMA user_version=99", nullptr, nullptr, nullptr);
    sqlite3_close(db);
  }
  r = nightly();
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("is newer than this latlab understands"), std::string::npos) << r.err;
}

// contrib/systemd's service and timer, as systemd itself reads them (the
// binary path pointed at this build's latlab, which verify checks exists).
TEST(NightlySystemd, TheServiceAndTimerVerify) {
  auto dir = fs::temp_directory_path() / ("latlab-systemd-" + std::to_string(getpid()));
  fs::create_directories(dir);
  for (const char* unit : {"latlab-nightly.service", "latlab-nightly.timer"}) {
    std::string text = slurp(fs::path(LATLAB_SOURCE_DIR) / "contrib/systemd" / unit);
    for (size_t at; (at = text.find("/usr/local/bin/latlab")) != std::string::npos;)
      text.replace(at, 21, latlab_bin());
    std::ofstream(dir / unit) << text;
  }
  auto r = run_command({"systemd-analyze", "verify", (dir / "latlab-nightly.service").string(),
                        (dir / "latlab-nightly.timer").string()});
  fs::remove_all(dir);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  // verify also reads the units they refer to (the machine's own may warn); ours must not.
  std::istringstream lines(r.err);
  for (std::string line; std::getline(lines, line);)
    EXPECT_EQ(line.find("latlab"), std::string::npos) << line;
}

}  // namespace
