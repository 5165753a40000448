// The real `latlab` binary: SIGKILL during `up` then `cleanup`, and ping on
// every path of every example scenario built from host and netns nodes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "scenario/load.h"
#include "support/privileged.h"
#include "topology_support.h"

namespace latlab::test {
namespace {

const std::string latlab_bin = std::string(LATLAB_BIN_DIR) + "/latlab";

std::string write_temp(const std::string& name, const std::string& text) {
  std::string path = "/tmp/" + name + ".json";
  std::ofstream(path) << text;
  return path;
}

std::string small_lab(const std::string& lab) {
  std::string nodes = R"("host": {"kind": "host"})", members;
  for (int i = 0; i < 4; ++i) {
    nodes += ", \"n" + std::to_string(i) + "\": {\"kind\": \"netns\"}";
    members += std::string(i ? ", " : "") + "{\"at\": \"n" + std::to_string(i) +
               ":eth0\", \"addresses\": [\"198.18.60." + std::to_string(i + 2) + "/24\"]}";
  }
  return R"({"latlab": 1, "name": ")" + lab + R"(", "nodes": {)" + nodes +
         R"(}, "links": [{"kind": "bridge", "node": "host", "name": "b)" + lab +
         R"(", "addresses": ["198.18.60.1/24"], "members": [)" + members + R"(]},
         {"kind": "veth", "endpoints": [{"at": "n0:eth1", "addresses": ["198.18.61.1/24"]},
                                        {"at": "n1:eth1", "addresses": ["198.18.61.2/24"]}]}],
         "experiments": [{"name": "p", "probe": "icmp", "from": "n0", "to": "n1:eth0", "count": 1}]})";
}

struct Cleanup {
  std::string lab;
  ~Cleanup() { run({latlab_bin, "cleanup", lab}); }
};

TEST(TopologyE2E, SigkillDuringUpThenCleanupLeavesNothing) {
  LATLAB_REQUIRE_ROOT();
  std::string lab = random_lab();
  Cleanup guard{lab};
  std::string file = write_temp(lab, small_lab(lab));
  const std::string before = host_snapshot(lab);
  // How long an undisturbed `up` takes (fastest of 3), to spread the kills over it.
  long full = 1L << 40;
  for (int i = 0; i < 3; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    ASSERT_EQ(run({latlab_bin, "up", file}).code, 0);
    auto d = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);
    full = std::min<long>(full, d.count());
    ASSERT_EQ(run({latlab_bin, "down", lab}).code, 0);
  }
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<long> delay(0, full * 95 / 100);
  int killed_midway = 0;
  for (int i = 0; i < 80 && killed_midway < 20; ++i) {
    pid_t pid = spawn_silent({latlab_bin, "up", file});
    std::this_thread::sleep_for(std::chrono::microseconds(delay(rng)));
    ::kill(pid, SIGKILL);
    int st = 0;
    ::waitpid(pid, &st, 0);
    if (WIFSIGNALED(st)) ++killed_midway;
    auto c = run({latlab_bin, "cleanup", lab});
    ASSERT_EQ(c.code, 0) << "round " << i << ": " << c.out;
    ASSERT_EQ(lab_leftovers(lab), "") << "round " << i << ": " << c.out;
  }
  EXPECT_GE(killed_midway, 20);
  EXPECT_EQ(host_snapshot(lab), before);
  std::filesystem::remove(file);
}

TEST(TopologyE2E, PingWorksOnEveryPathOfEveryExampleScenario) {
  LATLAB_REQUIRE_ROOT();
  int scenarios = 0, paths = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(LATLAB_SOURCE_DIR) + "/scenarios")) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path());
    nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.contains("name")) continue;
    std::string lab = random_lab();
    j["name"] = lab;
    auto loaded = scenario::load_scenario_text(j.dump(), entry.path().string());
    ASSERT_TRUE(loaded.ok()) << entry.path();
    bool buildable = true;
    for (const auto& n : loaded.lab->nodes) buildable = buildable && (n.kind == "host" || n.kind == "netns");
    if (!buildable) continue;
    SCOPED_TRACE(entry.path().filename().string());
    Cleanup guard{lab};
    std::string file = write_temp(lab, j.dump());
    auto up = run({latlab_bin, "up", file});
    ASSERT_EQ(up.code, 0) << up.out;
    ++scenarios;
    for (const auto& e : loaded.lab->experiments) {
      if (e.responder.kind == "raw") continue;  // that address exists only while the raw agent runs
      std::vector<std::string> cmd = {latlab_bin, "exec", lab, e.from_node, "--", "ping"};
      if (e.family == 6) cmd.push_back("-6");
      for (const char* a : {"-c", "2", "-i", "0.2", "-W", "2"}) cmd.emplace_back(a);
      cmd.push_back(e.target.str());
      auto p = run(cmd);
      EXPECT_EQ(p.code, 0) << e.name << ": " << p.out;
      ++paths;
    }
    auto down = run({latlab_bin, "down", lab});
    EXPECT_EQ(down.code, 0) << down.out;
    EXPECT_EQ(lab_leftovers(lab), "");
    std::filesystem::remove(file);
  }
  EXPECT_GE(scenarios, 5);
  EXPECT_GE(paths, 10);
}

TEST(TopologyE2E, CommandsFailWithOneLineAndDocumentedExitCodes) {
  LATLAB_REQUIRE_ROOT();
  std::string lab = random_lab();
  Cleanup guard{lab};
  auto down = run({latlab_bin, "down", lab});
  EXPECT_EQ(down.code, 1);
  EXPECT_EQ(down.out, "latlab: error: no lab \"" + lab + "\" on this machine (no journal /run/latlab/" + lab +
                          "/state.json); `latlab ls` lists labs, `latlab cleanup " + lab +
                          "` removes leftovers\n");
  EXPECT_EQ(run({latlab_bin, "down", "../x"}).code, 2);
  std::string file = write_temp(lab, small_lab(lab));
  ASSERT_EQ(run({latlab_bin, "up", file}).code, 0);
  auto again = run({latlab_bin, "up", file});
  EXPECT_EQ(again.code, 1);
  EXPECT_THAT(again.out, ::testing::HasSubstr("lab \"" + lab + "\" already exists"));
  auto ex = run({latlab_bin, "exec", lab, "n0", "--", "sh", "-c", "exit 7"});
  EXPECT_EQ(ex.code, 7);
  auto sys = run({latlab_bin, "exec", lab, "n0", "--", "ls", "/sys/class/net"});  // the node's own /sys
  EXPECT_EQ(sys.code, 0);
  EXPECT_EQ(sys.out, "eth0\neth1\nlo\n");
  auto missing = run({latlab_bin, "exec", lab, "n0", "--", "latlab-no-such-program"});
  EXPECT_EQ(missing.code, 127);
  EXPECT_EQ(missing.out, "latlab: error: lab \"" + lab +
                             "\": node \"n0\": spawn \"latlab-no-such-program\": not found in PATH\n");
  auto ls = run({latlab_bin, "ls", "--json"});
  EXPECT_THAT(ls.out, ::testing::HasSubstr("\"" + lab + "\""));
  auto ins = run({latlab_bin, "inspect", lab, "--json"});
  EXPECT_EQ(ins.code, 0);
  EXPECT_TRUE(nlohmann::json::parse(ins.out, nullptr, false).is_object());
  EXPECT_EQ(run({latlab_bin, "down", lab}).code, 0);
  std::filesystem::remove(file);
}

// A VXLAN tunnel over a veth: the kernel's device has the VNI, remote and port
// the plan says, the tunnel's MTU leaves room for the headers (a full-size
// datagram with DF passes, one byte more does not), and what crosses the
// tunnel is carried by the underlay.
TEST(TopologyE2E, AVxlanTunnelCarriesTrafficOverItsUnderlay) {
  LATLAB_REQUIRE_ROOT();
  std::string lab = random_lab();
  Cleanup guard{lab};
  std::ifstream in(std::string(LATLAB_SOURCE_DIR) + "/scenarios/vxlan-overlay.json");
  nlohmann::json j = nlohmann::json::parse(in);
  j["name"] = lab;
  std::string file = write_temp(lab, j.dump());
  auto plan = run({latlab_bin, "plan", file, "--json"});
  ASSERT_EQ(plan.code, 0) << plan.out;
  nlohmann::json vx, actions = nlohmann::json::parse(plan.out)["actions"];
  for (const auto& a : actions)
    if (a["action"] == "create-vxlan" && a["node"] == "a") vx = a;
  ASSERT_FALSE(vx.is_null()) << plan.out;
  ASSERT_EQ(run({latlab_bin, "up", file}).code, 0);

  auto link = run({latlab_bin, "exec", lab, "a", "--", "ip", "-d", "-j", "link", "show", "vx0"});
  ASSERT_EQ(link.code, 0) << link.out;
  auto dev = nlohmann::json::parse(link.out).at(0);
  EXPECT_EQ(dev["mtu"], 1450);
  const auto& data = dev["linkinfo"]["info_data"];
  EXPECT_EQ(dev["linkinfo"]["info_kind"], "vxlan");
  EXPECT_EQ(data["id"], vx["vni"]);
  EXPECT_EQ(data["remote"], vx["remote"]);
  EXPECT_EQ(data["local"], vx["local"]);
  EXPECT_EQ(data["port"], 4789);

  auto tx = [&] {
    auto s = run({latlab_bin, "exec", lab, "a", "--", "cat", "/sys/class/net/eth0/statistics/tx_packets"});
    return std::stoll(s.out);
  };
  const long long before = tx();
  const std::string far = vx["remote"] == "198.18.0.2" ? "198.18.1.2" : "";
  ASSERT_NE(far, "") << "the example's addresses changed: " << vx;
  auto fits = run({latlab_bin, "exec", lab, "a", "--", "ping", "-c", "3", "-i", "0.2", "-W", "2", "-M", "do", "-s",
                   "1422", far});
  EXPECT_EQ(fits.code, 0) << fits.out;
  EXPECT_GE(tx() - before, 3) << "the tunnel's packets leave by the underlay";
  auto too_big = run({latlab_bin, "exec", lab, "a", "--", "ping", "-c", "1", "-W", "1", "-M", "do", "-s", "1423", far});
  EXPECT_NE(too_big.code, 0) << too_big.out;
  EXPECT_EQ(run({latlab_bin, "down", lab}).code, 0);
  EXPECT_EQ(lab_leftovers(lab), "");
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace latlab::test
