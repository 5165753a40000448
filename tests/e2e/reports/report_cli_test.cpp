// `latlab report` through the real binary on a synthetic store: formats,
// output file, exit codes and one-line errors, and no root needed.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "support/run_command.h"
#include "support/synthetic_store.h"

using namespace latlab;
using latlab::test::run_command;

namespace {

class ReportCli : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.path() + "/t.db";
    {
      auto s = store::SqliteStore::open(db_);
      ASSERT_TRUE(s.ok());
      test::write_run(**s, "seed-000", test::seed000_experiments(), test::seed000_host("6.1.0", "noqueue"),
                      1'700'000'000'000'000'000);
    }  // closed: the WAL is checkpointed into the file
    ::chmod(dir_.path().c_str(), 0755);
    ::chmod(db_.c_str(), 0644);
  }
  test::CommandResult report(std::vector<std::string> args) {
    std::vector<std::string> argv{test::latlab_bin(), "report", "--db", db_};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv);
  }
  static size_t lines(const std::string& s) {
    return static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
  }
  test::TempDir dir_;
  std::string db_;
};

}  // namespace

TEST_F(ReportCli, TextByDefaultWithSeed000Table) {
  auto r = report({});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Latency: user-space RTT (µs)"), std::string::npos);
  EXPECT_NE(r.out.find("174%"), std::string::npos);
  EXPECT_NE(r.out.find("baseline: localhost"), std::string::npos);
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST_F(ReportCli, JsonAndCsvToFile) {
  auto j = report({"--format", "json"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  auto doc = nlohmann::json::parse(j.out);
  ASSERT_EQ(doc["experiments"].size(), 3u);
  EXPECT_EQ(doc["experiments"][0]["user"]["p50"], 134000.0);
  EXPECT_EQ(doc["baseline"], "localhost");

  std::string out = dir_.path() + "/r.csv";
  auto c = report({"--format", "csv", "-o", out, "1", "--baseline", "peer"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_TRUE(c.out.empty());
  std::ifstream f(out);
  std::stringstream ss;
  ss << f.rdbuf();
  EXPECT_EQ(ss.str().rfind("run_id,label,name,", 0), 0u);
  EXPECT_EQ(lines(ss.str()), 4u);
  EXPECT_NE(ss.str().find(",-57000,"), std::string::npos);  // localhost against peer
}

TEST_F(ReportCli, ExitCodesAndOneLineErrors) {
  auto unknown = report({"99"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(lines(unknown.err), 1u) << unknown.err;
  EXPECT_NE(unknown.err.find("run 99 does not exist"), std::string::npos) << unknown.err;

  auto base = report({"--baseline", "nope"});
  EXPECT_EQ(base.exit_code, 2);
  EXPECT_EQ(lines(base.err), 1u) << base.err;

  auto fmt = report({"--format", "xml"});
  EXPECT_EQ(fmt.exit_code, 2);
  EXPECT_NE(fmt.err.find("supported formats are text, md, html, json, csv"), std::string::npos) << fmt.err;

  auto missing = run_command({test::latlab_bin(), "report", "--db", dir_.path() + "/none.db"});
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_EQ(lines(missing.err), 1u) << missing.err;

  std::string junk = dir_.path() + "/junk.db";
  std::ofstream(junk)
      << "this is not a database, just text long enough to have a header........................";
  auto bad = run_command({test::latlab_bin(), "report", "--db", junk});
  EXPECT_EQ(bad.exit_code, 3) << bad.err;
  EXPECT_EQ(lines(bad.err), 1u) << bad.err;
}

TEST_F(ReportCli, NeedsNoRoot) {
  auto r = run_command(test::unprivileged({test::latlab_bin(), "report", "--db", db_, "--format", "md"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("| experiment |"), std::string::npos);
  // Read-only: the store was not modified (no WAL or journal left by us).
  EXPECT_FALSE(std::filesystem::exists(db_ + "-wal") && std::filesystem::file_size(db_ + "-wal") > 0);
}

TEST(ReportCliHelp, DescribesTheOptions) {
  auto r = run_command({test::latlab_bin(), "report", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* opt :
       {"--db", "--last", "--scenario", "--baseline", "--format", "--output", "--group", "RUN"})
    EXPECT_NE(r.out.find(opt), std::string::npos) << opt;
}
