// The real latlab binary on real scenario files: validate, plan, help, exit codes.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/example_scenarios.h"
#include "support/run_command.h"

namespace fs = std::filesystem;
using latlab::test::latlab_bin;
using latlab::test::run_command;

namespace {

std::vector<std::string> example_scenarios() {
  std::vector<std::string> out;
  for (const auto& p : latlab::test::example_scenario_files(fs::path(LATLAB_SOURCE_DIR) / "scenarios"))
    out.push_back(p.string());
  return out;
}

std::string write_temp(const std::string& name, const std::string& text) {
  auto path = fs::temp_directory_path() / ("latlab-cli-test-" + std::to_string(getpid()) + "-" + name);
  std::ofstream(path) << text;
  return path.string();
}

}  // namespace

TEST(CliE2E, EveryExampleValidates) {
  auto files = example_scenarios();
  ASSERT_GE(files.size(), 6u);
  std::vector<std::string> argv = {latlab_bin(), "validate"};
  argv.insert(argv.end(), files.begin(), files.end());
  auto r = run_command(argv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const auto& f : files) EXPECT_NE(r.out.find(f + ": ok: lab"), std::string::npos) << f;
}

TEST(CliE2E, InvalidScenarioPrintsPositionedErrorsAndExits2) {
  auto path = write_temp("bad.json", R"({
  "latlab": 1,
  "name": "demo",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [{"kind": "veth", "endpoints": ["a:eth0", "c:eth0"]}]
})");
  auto r = run_command({latlab_bin(), "validate", path});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            path + ":5:54: error: /links/0/endpoints/1: node \"c\" is not declared (declared: a, b)\n");
  EXPECT_EQ(r.out, "");
  fs::remove(path);
}

TEST(CliE2E, ValidateJsonListsErrors) {
  auto path = write_temp("bad2.json", R"({"latlab": 2, "name": "x", "nodes": {"a": {"kind": "vm"}}})");
  auto r = run_command({latlab_bin(), "validate", "--json", path});
  EXPECT_EQ(r.exit_code, 2);
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_FALSE(j[0]["valid"].get<bool>());
  ASSERT_EQ(j[0]["errors"].size(), 2u);
  EXPECT_EQ(j[0]["errors"][0]["pointer"], "/latlab");
  EXPECT_EQ(j[0]["errors"][0]["line"], 1);
  EXPECT_EQ(j[0]["errors"][0]["column"], 12);
  EXPECT_EQ(j[0]["errors"][1]["pointer"], "/nodes/a/kind");
  fs::remove(path);
}

TEST(CliE2E, PlanPrintsOrderedActionsAndJson) {
  auto file = std::string(LATLAB_SOURCE_DIR) + "/scenarios/peer-self-localhost.json";
  auto r = run_command({latlab_bin(), "plan", file});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto ns = r.out.find("create namespace latlab-peer-self-localhost-a");
  auto veth = r.out.find("create veth a:eth0 <-> b:eth0");
  auto addr = r.out.find("a: add address 198.18.0.1/24 to eth0");
  auto up = r.out.find("a: set eth0 up");
  ASSERT_NE(ns, std::string::npos);
  ASSERT_NE(veth, std::string::npos);
  ASSERT_NE(addr, std::string::npos);
  ASSERT_NE(up, std::string::npos);
  EXPECT_LT(ns, veth);
  EXPECT_LT(veth, addr);
  EXPECT_LT(addr, up);
  EXPECT_NE(r.out.find("peer: icmp a -> 198.18.0.2 (b:eth0, peer) via a:eth0"), std::string::npos);

  auto rj = run_command({latlab_bin(), "plan", "--json", file});
  ASSERT_EQ(rj.exit_code, 0);
  auto j = nlohmann::json::parse(rj.out);
  EXPECT_EQ(j["lab"], "peer-self-localhost");
  EXPECT_EQ(j["actions"][0]["action"], "create-netns");
  EXPECT_EQ(j["experiments"].size(), 3u);
}

// `latlab plan` reads and prints: a user without any privilege may run it (on
// a copy of an example that user can read, wherever the sources are).
TEST(CliE2E, PlanNeedsNoRoot) {
  std::ifstream in(std::string(LATLAB_SOURCE_DIR) + "/scenarios/peer-self-localhost.json");
  std::stringstream text;
  text << in.rdbuf();
  auto path = write_temp("peer-self-localhost.json", text.str());
  fs::permissions(path, fs::perms::others_read, fs::perm_options::add);
  auto r = run_command(latlab::test::unprivileged({latlab_bin(), "plan", path}));
  fs::remove(path);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("create namespace latlab-peer-self-localhost-a"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("peer: icmp a -> 198.18.0.2 (b:eth0, peer) via a:eth0"), std::string::npos) << r.out;
}

TEST(CliE2E, PlanOfInvalidScenarioExits2) {
  auto path = write_temp("bad3.json", "{\"latlab\": 1,}");
  auto r = run_command({latlab_bin(), "plan", path});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, path + ":1:14: error: invalid JSON: trailing comma before '}'\n");
  fs::remove(path);
}

TEST(CliE2E, UsageErrorsExit2AndHelpExits0) {
  EXPECT_EQ(run_command({latlab_bin()}).exit_code, 2);
  EXPECT_EQ(run_command({latlab_bin(), "frobnicate"}).exit_code, 2);
  EXPECT_EQ(run_command({latlab_bin(), "validate"}).exit_code, 2);
  EXPECT_EQ(run_command({latlab_bin(), "validate", "/nonexistent/x.json"}).exit_code, 2);
  auto help = run_command({latlab_bin(), "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("Exit codes: 0 ok, 1 failure (a confirmed regression for nightly), 2 usage or input "
                          "error, 3 environment error"),
            std::string::npos)
      << help.out;
  for (const char* sub : {"validate", "plan"}) {
    auto h = run_command({latlab_bin(), sub, "--help"});
    EXPECT_EQ(h.exit_code, 0) << sub;
    EXPECT_NE(h.out.find("FILE"), std::string::npos) << sub;
  }
}

TEST(CliE2E, VersionFlag) {
  auto r = run_command({latlab_bin(), "--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("0.1.0"), std::string::npos);
}

// A lab across hosts: `plan` prints each host's part (MultiHostE2E builds
// and runs one).
TEST(CliE2E, ALabAcrossHostsIsPlannedPerHost) {
  auto path = write_temp("hosts.json", R"({"latlab": 1, "name": "mhcli",
 "hosts": {"h1": {"address": "198.18.200.2", "user": "root"}, "h2": {"address": "198.18.200.3", "port": 2222}},
 "nodes": {"ha": {"kind": "host", "host": "h1"}, "hb": {"kind": "host", "host": "h2"}},
 "links": [{"kind": "vxlan", "endpoints": [{"at": "ha:lvx0", "underlay": "eth0", "local": "198.18.200.2"},
                                           {"at": "hb:lvx0", "underlay": "eth0", "local": "198.18.200.3"}]}]})");
  auto plan = run_command({latlab_bin(), "plan", path});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  auto h1 = plan.out.find("host h1 (root@198.18.200.2:22): ");
  auto h2 = plan.out.find("host h2 (198.18.200.3:2222): ");
  ASSERT_NE(h1, std::string::npos) << plan.out;
  ASSERT_NE(h2, std::string::npos) << plan.out;
  EXPECT_LT(h1, plan.out.find("ha: create vxlan lvx0"));
  EXPECT_LT(h2, plan.out.find("hb: create vxlan lvx0"));
  auto pj = run_command({latlab_bin(), "plan", "--json", path});
  ASSERT_EQ(pj.exit_code, 0) << pj.err;
  auto j = nlohmann::json::parse(pj.out);
  ASSERT_EQ(j["parts"].size(), 2u);
  EXPECT_EQ(j["parts"][1]["host"], "h2");
  EXPECT_EQ(j["parts"][1]["actions"][0]["action"], "create-vxlan");
  EXPECT_EQ(j["actions"].size(), 0u) << "no node is on this machine";
  // An inventory replaces a host's destination (and `validate` takes it too).
  auto inv = write_temp("inventory.json", R"({"hosts": {"h2": {"address": "198.18.200.7", "user": "lab"}}})");
  auto pi = run_command({latlab_bin(), "plan", path, "--hosts", inv});
  ASSERT_EQ(pi.exit_code, 0) << pi.err;
  EXPECT_NE(pi.out.find("host h2 (lab@198.18.200.7:22): "), std::string::npos) << pi.out;
  EXPECT_EQ(run_command({latlab_bin(), "validate", path, "--hosts", inv}).exit_code, 0);
  std::ofstream(inv) << R"({"hosts": {"h2": {"adress": "x"}}})";
  auto bad = run_command({latlab_bin(), "plan", path, "--hosts", inv});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err.substr(0, inv.size() + 1), inv + ":") << bad.err;
  EXPECT_NE(bad.err.find("unknown key \"adress\" in host"), std::string::npos) << bad.err;
  fs::remove(inv);
  fs::remove(path);
}

// `latlab spawn`, the far end of a remote agent: the command's own exit
// code, and SIGTERM (143) for a command still running when stdin closes
// (the SSH session ended).
TEST(CliE2E, SpawnEndsItsCommandWhenStdinCloses) {
  auto killed = run_command({latlab_bin(), "spawn", "--", "sleep", "300"});  // stdin closes at once
  EXPECT_EQ(killed.exit_code, 143) << killed.err;
  auto missing = run_command({latlab_bin(), "spawn", "--", "/nonexistent/agent"});
  EXPECT_EQ(missing.exit_code, 127);
  EXPECT_NE(missing.err.find("latlab spawn: exec /nonexistent/agent: No such file or directory"), std::string::npos)
      << missing.err;
  auto bad_ns = run_command({latlab_bin(), "spawn", "--netns", "/nonexistent/ns", "--", "true"});
  EXPECT_EQ(bad_ns.exit_code, 125);
  EXPECT_NE(bad_ns.err.find("open network namespace /nonexistent/ns"), std::string::npos) << bad_ns.err;
}

// As an ordinary user (nobody), every command that needs root says so first,
// with exit 3, and leaves nothing behind (no store); the ones that do not
// need root work. Needs root to become nobody.
TEST(CliE2E, CommandsThatNeedRootSaySoUpFrontToAnOrdinaryUser) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to run commands as nobody";
  if (run_command({"setpriv", "--version"}).exit_code != 0) GTEST_SKIP() << "no setpriv (util-linux)";
  const std::string dir = write_temp("nobody.d", "");
  fs::remove(dir);
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::all);
  const std::string scenario = std::string(LATLAB_SOURCE_DIR) + "/scenarios/peer-self-localhost.json";
  const std::string suite = std::string(LATLAB_SOURCE_DIR) + "/scenarios/nightly.json";
  auto as_nobody = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", latlab_bin()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv);
  };
  const std::vector<std::vector<std::string>> root_only = {
      {"up", scenario},      {"run", scenario, "--db", dir + "/r.db"}, {"down", "x"},
      {"cleanup", "--all"},  {"inspect", "x"},                         {"exec", "x", "a", "--", "true"},
      {"nightly", suite, "--db", dir + "/n.db"}};
  for (const auto& args : root_only) {
    auto r = as_nobody(args);
    EXPECT_EQ(r.exit_code, 3) << args[0] << ": " << r.err;
    EXPECT_NE(r.err.find("root"), std::string::npos) << args[0] << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args[0] << ": one line: " << r.err;
  }
  EXPECT_TRUE(fs::is_empty(dir)) << "nothing was created";
  EXPECT_EQ(as_nobody({"validate", scenario}).exit_code, 0);
  EXPECT_EQ(as_nobody({"plan", scenario}).exit_code, 0);
  EXPECT_EQ(as_nobody({"ls"}).exit_code, 0);
  fs::remove_all(dir);
}
