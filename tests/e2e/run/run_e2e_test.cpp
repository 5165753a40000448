// `latlab run` end to end: the real binaries on the example scenarios (with
// small counts), checked through the store they leave behind.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

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

class RunE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = latlab::test::fresh_test_dir("latlab-run-e2e");
    db_ = (dir_ / "t.db").string();
  }
  void TearDown() override {
    // Whatever happened, leave no lab behind.
    for (const auto& lab : labs_) run_command({latlab_bin(), "cleanup", lab});
    fs::remove_all(dir_);
  }

  // A copy of an example with small counts and a unique lab name.
  std::string example(const std::string& file, int count, const std::string& interval = "1ms", int repeat = 1,
                      bool captures = true) {
    std::ifstream in(std::string(LATLAB_SOURCE_DIR) + "/scenarios/" + file);
    json j = json::parse(in);
    std::string lab = "e2e" + std::to_string(getpid() % 100000) + std::to_string(labs_.size());
    j["name"] = lab;
    j["repeat"] = repeat;
    for (auto& e : j["experiments"]) {
      e["count"] = count;
      e.erase("duration");
      e["interval"] = interval;
      e["warmup"] = 2;
      if (!captures) e.erase("captures");
    }
    labs_.push_back(lab);
    auto path = (dir_ / file).string();
    std::ofstream(path) << j.dump(2);
    return path;
  }

  std::unique_ptr<SqliteStore> store() {
    auto s = SqliteStore::open(db_);
    EXPECT_TRUE(s.ok()) << s.error().message();
    return std::move(*s);
  }

  bool lab_left(const std::string& lab) {
    auto ns = run_command({"ip", "netns", "list"});
    return ns.out.find("latlab-" + lab + "-") != std::string::npos;
  }

  // Checks every experiment of the last run: samples stored = sent, sent = received + lost.
  void check_accounting(SqliteStore& s, int64_t run_id, int count) {
    auto exps = s.experiments(run_id);
    ASSERT_TRUE(exps.ok());
    ASSERT_FALSE(exps->empty());
    for (const auto& e : *exps) {
      EXPECT_EQ(e.status, "complete") << e.name << ": " << e.error;
      auto sum = json::parse(e.summary_json);
      uint64_t sent = sum["sent"], received = sum["received"], lost = sum["lost"];
      EXPECT_EQ(sent, static_cast<uint64_t>(count + 2)) << e.name;
      EXPECT_EQ(sent, received + lost) << e.name;
      int64_t n = 0, warm = 0;
      ASSERT_TRUE(s.for_each_sample(e.id, [&](const SampleRecord& r) {
                     ++n;
                     warm += r.warmup;
                   }).ok());
      EXPECT_EQ(n, static_cast<int64_t>(sent)) << e.name;
      EXPECT_EQ(warm, 2) << e.name;
      auto agent = json::parse(e.agent_json);
      EXPECT_EQ(agent["type"], "header");
      EXPECT_TRUE(e.clock_offset_start_ns.has_value()) << e.name;
    }
  }

  fs::path dir_;
  std::string db_;
  std::vector<std::string> labs_;
};

}  // namespace

TEST_F(RunE2E, PeerSelfLocalhostStoresSamplesStacksCountersAndMetadata) {
  LATLAB_REQUIRE_ROOT();
  auto file = example("peer-self-localhost.json", 30);
  auto r = run_command({latlab_bin(), "run", file, "--db", db_, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto out = json::parse(r.out);
  EXPECT_EQ(out["status"], "complete");
  ASSERT_EQ(out["experiments"].size(), 3u);
  EXPECT_FALSE(lab_left(labs_.back()));
  auto s = store();
  int64_t run_id = out["run_id"];
  auto run = s->run(run_id);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->status, "complete");
  EXPECT_TRUE(run->ended_ns.has_value());
  EXPECT_EQ(run->scenario_hash.rfind("fnv1a64:", 0), 0u);
  auto host = json::parse(run->host_json);
  for (const char* k : {"kernel", "cpu_model", "cpus_online", "clocksource", "cpu_governor", "sysctls"})
    EXPECT_TRUE(host["machine"].contains(k)) << k;
  EXPECT_EQ(host["lab"]["a"]["interfaces"]["eth0"]["mtu"], 1500);
  EXPECT_TRUE(host["lab"]["a"]["interfaces"]["eth0"].contains("offloads"));
  EXPECT_EQ(json::parse(run->order_json).size(), 3u);
  check_accounting(*s, run_id, 30);
  for (const auto& e : *s->experiments(run_id)) {
    auto stacks = s->stacks(e.id);
    ASSERT_TRUE(stacks.ok());
    EXPECT_FALSE(stacks->empty()) << e.name << ": perf stacks missing";
    bool has_delta = false;
    for (const auto& c : *s->counters(e.id)) has_delta = has_delta || c.phase == "delta";
    EXPECT_TRUE(has_delta) << e.name << ": counter deltas missing";
    auto caps = s->captures(e.id);
    for (const auto& c : *caps) EXPECT_EQ(c.status, "ok") << e.name << " " << c.kind << ": " << c.error;
  }
  EXPECT_TRUE(s->integrity_check().ok());
}

TEST_F(RunE2E, LoopbackVsLocalAddressCapturesShowWhichDeviceCarriedThePackets) {
  LATLAB_REQUIRE_ROOT();
  auto file = example("loopback-vs-local-ip.json", 10, "2ms");
  auto r = run_command({latlab_bin(), "run", file, "--db", db_, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto s = store();
  int64_t run_id = json::parse(r.out)["run_id"];
  check_accounting(*s, run_id, 10);
  for (const auto& e : *s->experiments(run_id)) {
    std::map<std::string, int64_t> requests;
    for (const auto& c : *s->captures(e.id)) {
      ASSERT_EQ(c.status, "ok") << e.name << " " << c.interface << ": " << c.error;
      requests[c.interface] = json::parse(c.summary_json).value("requests_seen", int64_t{-1});
    }
    std::string lab_if = "a:eth0", lo_if = "a:lo";
    if (e.name == "peer") {
      EXPECT_EQ(requests[lab_if], 12) << "peer pings leave by eth0";
      EXPECT_EQ(requests[lo_if], 0);
    } else {
      EXPECT_EQ(requests[lab_if], 0) << e.name << ": local traffic never touches eth0 (seed 003)";
      EXPECT_EQ(requests[lo_if], 12) << e.name;
    }
    if (e.name == "peer") {
      int64_t wired = 0;
      ASSERT_TRUE(
          s->for_each_sample(e.id, [&](const SampleRecord& r) { wired += r.wire_send.has_value(); }).ok());
      EXPECT_EQ(wired, 12) << "wire times per sample from the capture";
    }
  }
}

TEST_F(RunE2E, AfPacketQdiscBypassIsInvisibleToTcpdumpOnTheSender) {
  LATLAB_REQUIRE_ROOT();
  auto file = example("af-packet-host-interface.json", 20);
  auto r = run_command({latlab_bin(), "run", file, "--db", db_, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto s = store();
  int64_t run_id = json::parse(r.out)["run_id"];
  check_accounting(*s, run_id, 20);
  for (const auto& e : *s->experiments(run_id)) {
    if (e.name != "raw-bypass" && e.name != "raw-qdisc") continue;
    auto caps = s->captures(e.id);
    int64_t req = -1, rep = -1;
    for (const auto& c : *caps) {
      if (c.kind != "tcpdump") continue;
      auto j = json::parse(c.summary_json);
      req = j.value("requests_seen", int64_t{-1});
      rep = j.value("replies_seen", int64_t{-1});
    }
    EXPECT_EQ(rep, 22) << e.name << ": replies arrive through the kernel's receive path";
    if (e.name == "raw-bypass")
      EXPECT_EQ(req, 0) << "PACKET_QDISC_BYPASS hides outgoing frames (seed 001)";
    else
      EXPECT_EQ(req, 22) << "without bypass tcpdump sees every request";
  }
}

TEST_F(RunE2E, EveryHostAndNetnsExampleRunsAndStoresMeaningfulData) {
  LATLAB_REQUIRE_ROOT();
  for (const char* f : {"stack-tuning.json", "udp-send-path.json", "container-vs-host.json"}) {
    auto file = example(f, 10, "2ms");
    auto r = run_command({latlab_bin(), "run", file, "--db", db_, "--json"});
    ASSERT_EQ(r.exit_code, 0) << f << ": " << r.err;
    auto s = store();
    int64_t run_id = json::parse(r.out)["run_id"];
    check_accounting(*s, run_id, 10);
    EXPECT_FALSE(lab_left(labs_.back())) << f;
    for (const auto& e : *s->experiments(run_id)) {
      if (std::string(f) == "udp-send-path.json") {
        EXPECT_FALSE(s->trace_events(e.id)->empty()) << e.name << ": trace events missing";
      }
      if (e.probe == "udp") {
        int64_t with_peer = 0;
        ASSERT_TRUE(s->for_each_sample(e.id, [&](const SampleRecord& r) {
                       with_peer += r.peer_proc.has_value();
                     }).ok());
        EXPECT_GT(with_peer, 0) << e.name << ": the reflector reports its processing time";
      }
    }
  }
}

TEST_F(RunE2E, SigintMidRunLeavesAConsistentStoreAndNoLab) {
  LATLAB_REQUIRE_ROOT();
  auto file = example("peer-self-localhost.json", 100000, "1ms", 3, false);
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    execl(latlab_bin().c_str(), "latlab", "run", file.c_str(), "--db", db_.c_str(), nullptr);
    _exit(127);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  EXPECT_FALSE(lab_left(labs_.back()));
  auto agents = run_command({"pgrep", "-f", "latlab-agent.*" + labs_.back()});
  EXPECT_EQ(agents.out, "") << "agents left running";
  auto s = store();
  auto runs = s->runs();
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ(runs->back().status, "interrupted");
  auto exps = s->experiments(runs->back().id);
  ASSERT_GE(exps->size(), 1u);
  EXPECT_EQ(exps->front().status, "interrupted");
  int64_t n = 0;
  ASSERT_TRUE(s->for_each_sample(exps->front().id, [&](const SampleRecord&) { ++n; }).ok());
  EXPECT_GT(n, 100) << "samples streamed before the interrupt are kept";
  EXPECT_TRUE(s->integrity_check().ok());
}

TEST_F(RunE2E, SigkillLeavesAConsistentStoreCleanupRemovesTheLabNextOpenMarksAborted) {
  LATLAB_REQUIRE_ROOT();
  auto file = example("peer-self-localhost.json", 100000, "1ms", 1, false);
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    execl(latlab_bin().c_str(), "latlab", "run", file.c_str(), "--db", db_.c_str(), nullptr);
    _exit(127);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  auto c = run_command({latlab_bin(), "cleanup", labs_.back()});
  EXPECT_EQ(c.exit_code, 0) << c.err;
  EXPECT_FALSE(lab_left(labs_.back()));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // agents die with their parent (PDEATHSIG)
  auto agents = run_command({"pgrep", "-f", "latlab-agent.*" + labs_.back()});
  EXPECT_EQ(agents.out, "") << "agents left running";
  auto s = store();
  EXPECT_TRUE(s->integrity_check().ok());
  ASSERT_EQ(s->aborted_on_open().size(), 1u);
  EXPECT_EQ(s->runs()->back().status, "aborted");
}

TEST_F(RunE2E, AStoreThatRefusesSamplesStopsTheRunWhichExits1NamingTheStore) {
  LATLAB_REQUIRE_ROOT();
  auto file = example("peer-self-localhost.json", 10, "1ms", 1, false);
  {
    // Like a full disk from the fourth sample on; every other write works.
    auto s = store();
    ASSERT_TRUE(s->db()
                    .exec("CREATE TRIGGER refuse_samples BEFORE INSERT ON samples WHEN NEW.seq >= 3 "
                          "BEGIN SELECT RAISE(ABORT, 'no room for this sample'); END")
                    .ok());
  }
  auto r = run_command({latlab_bin(), "run", file, "--db", db_, "--json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto out = json::parse(r.out);
  EXPECT_EQ(out["status"], "failed");
  const std::string cause = "store " + db_ + ": sample 3: no room for this sample";
  EXPECT_NE(out["error"].get<std::string>().find(cause), std::string::npos) << out["error"];
  EXPECT_EQ(out["experiments"].size(), 1u) << "the run stopped at the first experiment";
  EXPECT_NE(r.err.find(cause), std::string::npos) << "the progress lines say why: " << r.err;
  EXPECT_FALSE(lab_left(labs_.back()));
  auto s = store();
  auto run = s->run(out["run_id"].get<int64_t>());
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->status, "failed");
  auto exps = s->experiments(run->id);
  ASSERT_EQ(exps->size(), 1u);
  EXPECT_EQ(exps->front().status, "failed");
  EXPECT_EQ(exps->front().error, cause);
  EXPECT_TRUE(s->integrity_check().ok());
}
