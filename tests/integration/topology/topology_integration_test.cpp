// The topology engine against the real kernel (root): real namespaces, random
// lab names ("t" + 6 hex), and a guard that cleans up even when a test fails.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <memory>

#include "scenario/load.h"
#include "support/privileged.h"
#include "topology/engine.h"
#include "topology/plan.h"
#include "topology/real_netlink_ops.h"
#include "topology_support.h"

namespace latlab::topology {
namespace {

using test::run;
using ::testing::HasSubstr;

struct TopologyLab : ::testing::Test {
  std::string lab = test::random_lab();
  std::unique_ptr<RealNetlinkOps> ops;
  std::unique_ptr<FileStateStore> store;
  std::unique_ptr<Engine> engine;
  std::vector<std::string> labs_to_clean;
  std::vector<std::vector<std::string>> after;  // extra cleanup commands

  void SetUp() override {
    LATLAB_REQUIRE_ROOT();
    auto o = RealNetlinkOps::create();
    ASSERT_TRUE(o.ok()) << o.error().message();
    ops = std::move(*o);
    store = std::make_unique<FileStateStore>(FileStateStore::default_root());
    engine = std::make_unique<Engine>(*ops, *store);
    labs_to_clean.push_back(lab);
  }
  void TearDown() override {
    if (!engine) return;
    for (const auto& l : labs_to_clean) (void)engine->cleanup(l);
    for (const auto& c : after) (void)run(c);
    for (const auto& l : labs_to_clean) EXPECT_EQ(test::lab_leftovers(l), "") << "lab " << l;
  }

  Result<LabState> up(const std::string& text, const std::string& name) {
    auto r = scenario::load_scenario_text(text, name + ".json");
    if (!r.ok()) {
      std::string all;
      for (const auto& d : r.errors) all += d.str() + "\n";
      return Error("scenario: " + all);
    }
    Plan plan = make_plan(*r.lab);
    return engine->up(*r.lab, plan);
  }

  // host bridge + n netns members
  std::string star(const std::string& name, int n, int net) {
    std::string nodes = R"("host": {"kind": "host"})";
    std::string members;
    for (int i = 0; i < n; ++i) {
      nodes += ", \"n" + std::to_string(i) + "\": {\"kind\": \"netns\"}";
      members += std::string(i ? ", " : "") + "{\"at\": \"n" + std::to_string(i) +
                 ":eth0\", \"addresses\": [\"198.18." + std::to_string(net) + "." + std::to_string(i + 2) +
                 "/24\"]}";
    }
    return R"({"latlab": 1, "name": ")" + name + R"(", "nodes": {)" + nodes +
           R"(}, "links": [{"kind": "bridge", "node": "host", "name": "b)" + name +
           R"(", "addresses": ["198.18.)" + std::to_string(net) + R"(.1/24", "2001:2:0:)" +
           std::to_string(net) + R"(::1/64"], "members": [)" + members +
           R"(]}], "experiments": [{"name": "p", "probe": "icmp", "from": "n0", "to": "n1:eth0", "count": 1}]})";
  }

  test::Run ping(const std::string& l, const std::string& node, const std::string& addr) {
    return run(
        {"ip", "netns", "exec", "latlab-" + l + "-" + node, "ping", "-c", "2", "-i", "0.2", "-W", "2", addr});
  }
};

TEST_F(TopologyLab, UpThenDownLeavesTheHostIdentical) {
  const std::string before = test::host_snapshot(lab);
  std::string text = R"({"latlab": 1, "name": ")" + lab + R"(",
    "nodes": {"host": {"kind": "host"},
              "a": {"kind": "netns", "routes": [{"to": "198.19.0.0/16", "via": "198.18.40.1"}]},
              "b": {"kind": "netns"}},
    "links": [{"kind": "bridge", "node": "host", "name": "b)" +
                     lab + R"(", "addresses": ["198.18.40.1/24"],
               "members": [{"at": "a:eth0", "addresses": ["198.18.40.2/24", "2001:2:0:40::2/64"], "mtu": 1400,
                            "qdisc": {"kind": "tbf", "rate": "100mbit", "burst": "32kb", "latency": "50ms"}},
                           {"at": "b:eth0", "addresses": ["198.18.40.3/24"], "txqueuelen": 500,
                            "offloads": {"gro": false, "tso": false}}]},
              {"kind": "veth", "endpoints": [{"at": "a:eth1", "addresses": ["198.18.41.1/24"]},
                                             {"at": "b:eth1", "addresses": ["198.18.41.2/24"]}],
               "static_neighbors": true}],
    "experiments": [{"name": "p", "probe": "icmp", "from": "a", "to": "b:eth0", "count": 1}]})";
  auto r = up(text, lab);
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(ping(lab, "a", "198.18.40.3").code, 0);
  EXPECT_EQ(ping(lab, "a", "198.18.41.2").code, 0);
  EXPECT_EQ(ping(lab, "a", "198.18.40.1").code, 0);
  auto q = run({"ip", "netns", "exec", "latlab-" + lab + "-a", "tc", "qdisc", "show", "dev", "eth0"});
  EXPECT_THAT(q.out, HasSubstr("tbf"));
  auto l = run({"ip", "netns", "exec", "latlab-" + lab + "-a", "ip", "link", "show", "eth0"});
  EXPECT_THAT(l.out, HasSubstr("mtu 1400"));
  EXPECT_THAT(l.out, HasSubstr("alias latlab:" + lab));
  auto d = engine->down(lab);
  ASSERT_TRUE(d.ok()) << d.error().message();
  EXPECT_TRUE(d->ok());
  EXPECT_EQ(test::host_snapshot(lab), before);
}

TEST_F(TopologyLab, UpOfAnExistingLabIsRefusedByName) {
  ASSERT_TRUE(up(star(lab, 2, 42), lab).ok());
  auto again = up(star(lab, 2, 42), lab);
  ASSERT_FALSE(again.ok());
  EXPECT_THAT(again.error().message(), HasSubstr("lab \"" + lab + "\" already exists"));
  EXPECT_EQ(ping(lab, "n0", "198.18.42.3").code, 0);  // the running lab is untouched
}

TEST_F(TopologyLab, DownWhileAProcessKeepsANamespaceAlive) {
  ASSERT_TRUE(up(star(lab, 2, 51), lab).ok());
  pid_t pid = ::fork();
  if (pid == 0) {
    ::execlp("ip", "ip", "netns", "exec", ("latlab-" + lab + "-n0").c_str(), "sleep", "20", nullptr);
    ::_exit(127);
  }
  ::usleep(200000);
  auto d = engine->down(lab);
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  ASSERT_TRUE(d.ok()) << d.error().message();
  EXPECT_TRUE(d->ok()) << (d->errors.empty() ? "" : d->errors[0].message());
  EXPECT_EQ(test::lab_leftovers(lab), "");
}

TEST_F(TopologyLab, TwoLabsSideBySide) {
  std::string lab2 = test::random_lab();
  labs_to_clean.push_back(lab2);
  ASSERT_TRUE(up(star(lab, 2, 43), lab).ok());
  ASSERT_TRUE(up(star(lab2, 2, 44), lab2).ok());
  EXPECT_EQ(ping(lab, "n0", "198.18.43.3").code, 0);
  EXPECT_EQ(ping(lab2, "n0", "198.18.44.3").code, 0);
  ASSERT_TRUE(engine->down(lab).ok());
  EXPECT_EQ(ping(lab2, "n1", "198.18.44.2").code, 0);
  auto labs = engine->list();
  ASSERT_TRUE(labs.ok());
  bool has2 = false;
  for (const auto& s : *labs) has2 = has2 || s.lab == lab2;
  EXPECT_TRUE(has2);
}

TEST_F(TopologyLab, TrafficCrossesAHostBridgeUnderForwardDrop) {
  const std::string fw_before = test::forward_rules(lab);
  // This machine runs Docker: FORWARD policy DROP with bridge netfilter on.
  LATLAB_REQUIRE_HOST(
      fw_before.find("-P FORWARD DROP") != std::string::npos &&
          run({"sysctl", "-n", "net.bridge.bridge-nf-call-iptables"}).out == "1\n",
      "this host has no iptables FORWARD policy DROP with bridge-nf-call-iptables=1 (as Docker "
      "sets them)");
  ASSERT_TRUE(up(star(lab, 3, 45), lab).ok());
  EXPECT_EQ(ping(lab, "n0", "198.18.45.3").code, 0);
  EXPECT_EQ(ping(lab, "n2", "198.18.45.2").code, 0);
  EXPECT_THAT(run({"iptables", "-S", "FORWARD"}).out, HasSubstr("-P FORWARD DROP"));
  auto ins = engine->inspect(lab);
  ASSERT_TRUE(ins.ok());
  EXPECT_FALSE(ins->fw_rules.empty());
  ASSERT_TRUE(engine->down(lab).ok());
  EXPECT_EQ(test::forward_rules(lab), fw_before);
}

TEST_F(TopologyLab, FailureNamesObjectAndKernelReasonAndLeavesNothing) {
  // A foreign interface already has the bridge's name.
  std::string br = "b" + lab;
  ASSERT_EQ(run({"ip", "link", "add", br, "type", "bridge"}).code, 0);
  after.push_back({"ip", "link", "del", br});
  auto r = up(star(lab, 2, 46), lab);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message(), HasSubstr("lab \"" + lab + "\": node \"host\": create bridge \"" + br +
                                             "\": File exists (EEXIST)"));
  EXPECT_EQ(run({"ip", "link", "show", br}).code, 0);  // theirs, untouched
  EXPECT_EQ(test::lab_leftovers(lab), "");
}

TEST_F(TopologyLab, NetemWithoutKernelSupportNamesTheModule) {
  std::string text =
      R"({"latlab": 1, "name": ")" + lab + R"(", "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
    "links": [{"kind": "veth", "endpoints": [{"at": "a:eth0", "addresses": ["198.18.52.1/24"],
                                              "qdisc": {"kind": "netem", "delay": "1ms"}},
                                             {"at": "b:eth0", "addresses": ["198.18.52.2/24"]}]}],
    "experiments": [{"name": "p", "probe": "icmp", "from": "a", "to": "b:eth0", "count": 1}]})";
  auto r = up(text, lab);
  if (r.ok()) {
    EXPECT_THAT(
        run({"ip", "netns", "exec", "latlab-" + lab + "-a", "tc", "qdisc", "show", "dev", "eth0"}).out,
        HasSubstr("netem"));
    return;
  }
  // This kernel: CONFIG_NET_SCH_NETEM is not set. The kernel's extended ACK
  // text comes through, and the exit code says "environment".
  EXPECT_THAT(r.error().message(),
              HasSubstr("lab \"" + lab +
                        "\": node \"a\": set qdisc netem on \"eth0\": "
                        "No such file or directory (ENOENT): Specified qdisc kind is unknown"));
  EXPECT_THAT(r.error().message(), HasSubstr("sch_netem"));
  EXPECT_EQ(r.error().exit_code(), ExitCode::environment);
  EXPECT_EQ(test::lab_leftovers(lab), "");
}

TEST_F(TopologyLab, UnownedSameNameInterfaceSurvivesCleanup) {
  ASSERT_TRUE(up(star(lab, 2, 47), lab).ok());
  // Replace our bridge by a foreign one of the same name (as after a crash
  // and someone else's reuse of the name).
  std::string br = "b" + lab;
  ASSERT_EQ(run({"ip", "link", "del", br}).code, 0);
  ASSERT_EQ(run({"ip", "link", "add", br, "type", "bridge"}).code, 0);
  after.push_back({"ip", "link", "del", br});
  auto c = engine->cleanup(lab);
  ASSERT_TRUE(c.ok()) << c.error().message();
  EXPECT_EQ(run({"ip", "link", "show", br}).code, 0);
  bool reported = false;
  for (const auto& l : c->left) reported = reported || l.find("\"" + br + "\"") != std::string::npos;
  EXPECT_TRUE(reported);
  EXPECT_NE(run({"ip", "netns", "exec", "latlab-" + lab + "-n0", "true"}).code, 0);  // namespaces gone
}

TEST_F(TopologyLab, PhysMoveGivesTheDeviceBackExactly) {
  std::string dev = "p" + lab;  // stand-in for a physical device
  std::string peer = "q" + lab;
  ASSERT_EQ(run({"ip", "link", "add", dev, "mtu", "1400", "type", "veth", "peer", "name", peer}).code, 0);
  after.push_back({"ip", "link", "del", peer});
  ASSERT_EQ(run({"ip", "addr", "add", "198.18.48.1/24", "dev", dev}).code, 0);
  ASSERT_EQ(run({"ip", "link", "set", dev, "up"}).code, 0);
  auto show = [&] {
    auto s = run({"ip", "-o", "link", "show", dev}).out;
    return s.substr(s.find(':') + 1) + run({"ip", "-o", "-4", "addr", "show", dev}).out;
  };
  std::string before = show();
  std::string text = R"({"latlab": 1, "name": ")" + lab + R"(", "nodes": {"a": {"kind": "netns"}},
    "links": [{"kind": "phys", "device": ")" +
                     dev + R"(", "node": "a", "mode": "move", "ifname": "eth7",
               "addresses": ["198.18.49.1/24"]}],
    "experiments": [{"name": "p", "probe": "icmp", "from": "a", "to": "self", "count": 1}]})";
  auto r = up(text, lab);
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_NE(run({"ip", "link", "show", dev}).code, 0);
  auto in = run({"ip", "netns", "exec", "latlab-" + lab + "-a", "ip", "addr", "show", "eth7"});
  EXPECT_THAT(in.out, HasSubstr("198.18.49.1/24"));
  auto d = engine->down(lab);
  ASSERT_TRUE(d.ok()) << d.error().message();
  EXPECT_TRUE(d->ok());
  EXPECT_EQ(show(), before);
}

TEST_F(TopologyLab, MacvlanOnAHostDevice) {
  std::string dev = "p" + lab;
  std::string peer = "q" + lab;
  ASSERT_EQ(run({"ip", "link", "add", dev, "type", "veth", "peer", "name", peer}).code, 0);
  after.push_back({"ip", "link", "del", peer});
  ASSERT_EQ(run({"ip", "link", "set", dev, "up"}).code, 0);
  std::string text = R"({"latlab": 1, "name": ")" + lab + R"(", "nodes": {"a": {"kind": "netns"}},
    "links": [{"kind": "phys", "device": ")" +
                     dev + R"(", "node": "a", "mode": "macvlan", "ifname": "mv0",
               "addresses": ["198.18.50.1/24"]}],
    "experiments": [{"name": "p", "probe": "icmp", "from": "a", "to": "self", "count": 1}]})";
  auto r = up(text, lab);
  ASSERT_TRUE(r.ok()) << r.error().message();
  auto in = run({"ip", "netns", "exec", "latlab-" + lab + "-a", "ip", "-d", "link", "show", "mv0"});
  EXPECT_THAT(in.out, HasSubstr("macvlan mode bridge"));
  ASSERT_TRUE(engine->down(lab).ok());
  EXPECT_EQ(run({"ip", "link", "show", dev}).code, 0);
}

}  // namespace
}  // namespace latlab::topology
