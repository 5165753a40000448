// Latency under load end to end: real iperf3 loads through a tbf-shaped veth,
// concurrent probes, the report's idle-vs-load rows, and a load that cannot
// start (iperf3 not on PATH) failing the experiment with nothing left behind.
#include <gtest/gtest.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>

#include "store/store.h"
#include "support/privileged.h"
#include "support/run_command.h"
#include "support/test_dir.h"

namespace fs = std::filesystem;
using latlab::test::latlab_bin;
using latlab::test::run_command;
using namespace latlab::store;
using nlohmann::json;

namespace {

// Addresses of their own (198.18.61.0/24), so that a check for processes left
// behind sees only this test's iperf3.
constexpr const char* kTarget = "198.18.61.2";

class LoadE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = latlab::test::fresh_test_dir("latlab-load-e2e");
    db_ = (dir_ / "t.db").string();
    lab_ = "ld" + std::to_string(getpid() % 100000);
  }
  void TearDown() override {
    run_command({latlab_bin(), "cleanup", lab_});
    fs::remove_all(dir_);
  }

  // Two namespaces over a veth whose sender side is shaped by a small tbf
  // queue; the experiments given.
  std::string scenario(const json& experiments, int repeat) {
    json s = {{"latlab", 1},
              {"name", lab_},
              {"nodes", {{"a", {{"kind", "netns"}}}, {"b", {{"kind", "netns"}}}}},
              {"links",
               json::array({{{"kind", "veth"},
                             {"endpoints",
                              json::array({{{"at", "a:eth0"},
                                            {"addresses", {"198.18.61.1/24"}},
                                            {"qdisc",
                                             {{"kind", "tbf"}, {"rate", "50mbit"}, {"burst", "16kb"},
                                              {"latency", "20ms"}}}},
                                           {{"at", "b:eth0"}, {"addresses", {std::string(kTarget) + "/24"}}}})},
                             {"static_neighbors", true}}})},
              {"experiments", experiments},
              {"repeat", repeat}};
    auto path = (dir_ / "load.json").string();
    std::ofstream(path) << s.dump(2);
    return path;
  }

  // The error of the one load of a run's one experiment, which failed.
  std::string stored_load_error(int64_t run_id) {
    auto s = SqliteStore::open(db_);
    if (!s.ok()) return "store: " + s.error().message();
    auto exps = (*s)->experiments(run_id);
    if (!exps.ok() || exps->size() != 1 || exps->front().status != "failed") return "not one failed experiment";
    auto loads = (*s)->loads(exps->front().id);
    if (!loads.ok() || loads->size() != 1 || loads->front().status != "failed") return "not one failed load";
    return loads->front().error;
  }
  std::string iperf_left() { return run_command({"pgrep", "-af", std::string("iperf3.*") + kTarget}).out; }
  bool lab_left() {
    return run_command({"ip", "netns", "list"}).out.find("latlab-" + lab_ + "-") != std::string::npos;
  }

  fs::path dir_;
  std::string db_, lab_;
};

const json kIdle = {{"name", "idle"}, {"probe", "udp"},       {"from", "a"},          {"to", "b"},
                    {"count", 150},   {"interval", "5ms"},    {"warmup", 5},          {"captures", {"counters"}}};

json loaded(const json& load) {
  json e = kIdle;
  e["name"] = "tcp-load";
  e["load"] = json::array({load});
  return e;
}

}  // namespace

TEST_F(LoadE2E, ATcpLoadIsStoredAndTheReportSetsItBesideItsIdleTwin) {
  LATLAB_REQUIRE_ROOT();
  auto file = scenario(json::array({kIdle, loaded({{"kind", "tcp"}, {"from", "a"}, {"to", "b"}, {"streams", 2}, {"congestion", "reno"}})}), 2);
  auto r = run_command({latlab_bin(), "run", file, "--db", db_, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(lab_left());
  EXPECT_EQ(iperf_left(), "") << "iperf3 left running";
  auto out = json::parse(r.out);
  auto s = SqliteStore::open(db_);
  ASSERT_TRUE(s.ok()) << s.error().message();
  int loaded_runs = 0;
  for (const auto& e : *(*s)->experiments(out["run_id"].get<int64_t>())) {
    EXPECT_EQ(e.status, "complete") << e.name << ": " << e.error;
    auto loads = (*s)->loads(e.id);
    ASSERT_TRUE(loads.ok());
    if (e.name == "idle") {
      EXPECT_TRUE(loads->empty());
      continue;
    }
    ++loaded_runs;
    ASSERT_EQ(loads->size(), 1u);
    const LoadRecord& l = loads->front();
    EXPECT_EQ(l.status, "complete") << l.error;
    EXPECT_EQ(l.kind, "tcp");
    EXPECT_EQ(l.congestion, "reno") << "the congestion control asked for, as iperf3 reports it";
    EXPECT_EQ(l.target, kTarget);
    EXPECT_EQ(l.cpus.empty(), false);
    ASSERT_TRUE(l.bits_per_second.has_value());
    // Shaped to 50 Mbit/s: the load gets most of it and no more than the shaper lets through.
    EXPECT_GT(*l.bits_per_second, 10e6);
    EXPECT_LT(*l.bits_per_second, 60e6);
    ASSERT_TRUE(l.started_ns && l.ended_ns);
    EXPECT_LT(*l.started_ns, *l.ended_ns);
    EXPECT_FALSE(json::parse(l.result_json)["end"].is_null()) << "iperf3's own result is kept";
    // The probe ran on a CPU of its own: the load's CPUs leave it out.
    auto params = json::parse(e.params_json);
    EXPECT_TRUE(params.contains("load")) << e.params_json;
  }
  EXPECT_EQ(loaded_runs, 2);

  auto rep = run_command({latlab_bin(), "report", "--db", db_, "--format", "json"});
  ASSERT_EQ(rep.exit_code, 0) << rep.err;
  auto j = json::parse(rep.out);
  ASSERT_EQ(j["under_load"].size(), 1u) << rep.out;
  const auto& row = j["under_load"][0];
  EXPECT_EQ(row["experiment"], "tcp-load");
  EXPECT_EQ(row["idle"], "idle");
  EXPECT_NE(row["load"].get<std::string>().find("tcp x2 (reno)"), std::string::npos) << row["load"];
  // A 20 ms tbf queue filled by TCP: the probe waits behind it.
  EXPECT_GT(row["load_p50_ns"].get<double>(), row["idle_p50_ns"].get<double>());
  auto text = run_command({latlab_bin(), "report", "--db", db_});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("Latency under load"), std::string::npos) << text.out;
}

TEST_F(LoadE2E, ConcurrentProbesEachKeepTheirOwnSamples) {
  LATLAB_REQUIRE_ROOT();
  json e = kIdle;
  e["pairs"] = 4;
  e["count"] = 40;
  auto file = scenario(json::array({e}), 1);
  auto r = run_command({latlab_bin(), "run", file, "--db", db_, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto s = SqliteStore::open(db_);
  ASSERT_TRUE(s.ok());
  auto exps = (*s)->experiments(json::parse(r.out)["run_id"].get<int64_t>());
  ASSERT_EQ(exps->size(), 1u);
  auto summary = json::parse(exps->front().summary_json);
  ASSERT_EQ(summary["pairs"].size(), 4u) << exps->front().summary_json;
  EXPECT_EQ(summary["sent"], 4 * 45);
  std::map<int64_t, int64_t> per_pair;
  ASSERT_TRUE((*s)->for_each_sample(exps->front().id, [&](const SampleRecord& x) { ++per_pair[x.pair]; }).ok());
  ASSERT_EQ(per_pair.size(), 4u);
  for (const auto& [pair, n] : per_pair) EXPECT_EQ(n, 45) << "probe " << pair;
  for (const auto& p : summary["pairs"]) EXPECT_EQ(p["sent"], 45);
  EXPECT_FALSE(lab_left());
}

TEST_F(LoadE2E, WithoutIperf3TheExperimentFailsNamingThePackageAndLeavesNothing) {
  LATLAB_REQUIRE_ROOT();
  // A PATH with every tool of this machine but iperf3.
  fs::path bin = dir_ / "bin";
  fs::create_directories(bin);
  for (const char* d : {"/usr/sbin", "/usr/bin", "/sbin", "/bin"}) {
    std::error_code ec;
    for (const auto& f : fs::directory_iterator(d, ec)) {
      if (f.path().filename() == "iperf3" || fs::exists(bin / f.path().filename())) continue;
      fs::create_symlink(f.path(), bin / f.path().filename(), ec);
    }
  }
  auto file = scenario(json::array({loaded({{"kind", "tcp"}, {"from", "a"}, {"to", "b"}})}), 1);
  auto r = run_command({"env", "PATH=" + bin.string(), latlab_bin(), "run", file, "--db", db_, "--json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto out = json::parse(r.out);
  EXPECT_EQ(out["status"], "failed");
  EXPECT_NE(r.out.find("iperf3 is not installed (Debian package iperf3)"), std::string::npos) << r.out;
  EXPECT_FALSE(lab_left());
  EXPECT_EQ(run_command({"pgrep", "-af", "latlab-agent.*" + lab_}).out, "") << "agents left running";
  EXPECT_EQ(stored_load_error(out["run_id"].get<int64_t>()), "iperf3 is not installed (Debian package iperf3)");
}

TEST_F(LoadE2E, ALoadThatCannotStartFailsTheExperimentWithIperfsCauseAndLeavesNoProcess) {
  LATLAB_REQUIRE_ROOT();
  // A congestion control no kernel has: the client cannot set it and exits.
  auto file = scenario(
      json::array({loaded({{"kind", "tcp"}, {"from", "a"}, {"to", "b"}, {"congestion", "nosuchcc"}})}), 1);
  auto r = run_command({latlab_bin(), "run", file, "--db", db_, "--json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto out = json::parse(r.out);
  EXPECT_EQ(out["status"], "failed");
  EXPECT_NE(r.out.find("TCP_CONGESTION"), std::string::npos) << "iperf3's own cause: " << r.out;
  EXPECT_FALSE(lab_left());
  EXPECT_EQ(iperf_left(), "") << "iperf3 left running";
  EXPECT_EQ(run_command({"pgrep", "-af", "latlab-agent.*" + lab_}).out, "") << "agents left running";
  EXPECT_NE(stored_load_error(out["run_id"].get<int64_t>()).find("TCP_CONGESTION"), std::string::npos);
}
