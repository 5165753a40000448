// The plan of a small lab (bridge + veth + routes): the order of actions, the
// text `latlab plan` prints and the JSON `latlab plan --json` prints.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "scenario/load.h"
#include "topology/plan.h"

namespace latlab::topology {
namespace {

using ::testing::ElementsAre;

const char* kLab = R"json({"latlab": 1, "name": "p",
 "nodes": {"r": {"kind": "netns", "sysctls": {"net.ipv4.ip_forward": 1}},
           "a": {"kind": "netns", "routes": [{"to": "default", "via": "198.18.0.1"}]},
           "s": {"kind": "netns", "routes": [{"to": "198.18.0.0/24", "via": "198.18.1.1", "metric": 5}]}},
 "links": [
   {"kind": "bridge", "node": "r", "name": "br0", "addresses": ["198.18.0.1/24"],
    "members": [{"at": "a:eth0", "port": "p-a", "addresses": ["198.18.0.2/24"]}]},
   {"kind": "veth", "mtu": 9000, "qdisc": {"kind": "netem", "delay": "1ms"},
    "endpoints": [{"at": "r:eth1", "addresses": ["198.18.1.1/24"]}, {"at": "s:eth0", "addresses": ["198.18.1.2/24"]}]}
 ],
 "experiments": [{"name": "routed", "probe": "icmp", "from": "s", "to": "a:eth0", "count": 10, "interval": "1ms"}]})json";

Plan plan_of(const std::string& text) {
  auto r = scenario::load_scenario_text(text, "x.json");
  EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0].str());
  return r.ok() ? make_plan(*r.lab) : Plan{};
}

std::vector<std::string> lines(const Plan& p, bool with_sysctls) {
  std::vector<std::string> out;
  for (const auto& a : p.actions) {
    if (!with_sysctls && std::holds_alternative<SetSysctl>(a)) continue;
    out.push_back(describe(a));
  }
  return out;
}

TEST(Plan, ActionsComeInDependencyOrder) {
  Plan p = plan_of(kLab);
  EXPECT_EQ(p.lab, "p");
  EXPECT_THAT(
      lines(p, false),
      ElementsAre(
          "create namespace latlab-p-r for node r", "create namespace latlab-p-a for node a",
          "create namespace latlab-p-s for node s", "r: set lo up", "a: set lo up", "s: set lo up",
          "r: create bridge br0", "create veth a:eth0 <-> r:p-a", "create veth r:eth1 <-> s:eth0",
          "r: attach p-a to bridge br0", "r: set eth1 mtu 9000", "s: set eth0 mtu 9000",
          "r: qdisc eth1 root netem delay 1ms limit 1000", "s: qdisc eth0 root netem delay 1ms limit 1000",
          "r: bridge br0 nf_call_iptables/ip6tables/arptables off (in the root namespace, where the "
          "host-wide "
          "bridge-nf-call switch is on, also a FORWARD ACCEPT rule for the bridge marked with the lab)",
          "r: add address 198.18.0.1/24 to br0", "a: add address 198.18.0.2/24 to eth0",
          "r: add address 198.18.1.1/24 to eth1", "s: add address 198.18.1.2/24 to eth0", "r: set br0 up",
          "a: set eth0 up", "r: set p-a up", "r: set eth1 up", "s: set eth0 up",
          "a: add route default via 198.18.0.1", "s: add route 198.18.0.0/24 via 198.18.1.1 metric 5"));
}

TEST(Plan, SysctlsFollowTheirNamespaceAndPrecedeTheDevices) {
  Plan p = plan_of(kLab);
  auto all = lines(p, true);
  auto at = [&](const std::string& s) {
    return static_cast<size_t>(std::find(all.begin(), all.end(), s) - all.begin());
  };
  size_t lo_r = at("r: set lo up"), fwd = at("r: sysctl net.ipv4.ip_forward = 1"),
         rl = at("r: sysctl net.ipv4.icmp_ratelimit = 0"), lo_a = at("a: set lo up"),
         bridge = at("r: create bridge br0");
  ASSERT_LT(bridge, all.size());
  EXPECT_LT(at("create namespace latlab-p-s for node s"), lo_r);
  EXPECT_LT(lo_r, rl);
  EXPECT_LT(rl, fwd) << "user sysctls come after the lab defaults";
  EXPECT_LT(fwd, lo_a);
  EXPECT_LT(at("s: sysctl net.ipv6.conf.default.accept_dad = 0"), bridge);
  EXPECT_EQ(std::count_if(all.begin(), all.end(),
                          [](const std::string& l) { return l.find(": sysctl ") != std::string::npos; }),
            3 * 8 + 1);
}

TEST(Plan, ExperimentLine) {
  Plan p = plan_of(kLab);
  EXPECT_THAT(p.experiments,
              ElementsAre("routed: icmp s -> 198.18.0.2 (a:eth0, peer) via s:eth0, count 10, interval 1ms, "
                          "wait block, payload 56, warmup 5"));
}

TEST(Plan, ExperimentLineShowsHowProbeAndResponderWait) {
  Plan p = plan_of(R"json({"latlab": 1, "name": "w",
 "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
 "links": [{"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}],
 "experiments": [{"name": "u", "probe": "udp", "from": "a", "to": "b:eth0", "count": 10, "interval": "1ms",
                  "wait": "spin", "responder": {"wait": "busy_poll", "delay": "5us"}}]})json");
  EXPECT_THAT(
      p.experiments,
      ElementsAre("u: udp a -> 198.18.0.2 (b:eth0, peer) via a:eth0, count 10, interval 1ms, wait spin, "
                  "payload 56, warmup 5, responder udp-reflector in b (wait busy_poll, delay 5us)"));
}

TEST(Plan, DescribeOtherActions) {
  Plan p = plan_of(R"json({"latlab": 1, "name": "q",
    "nodes": {"h": {"kind": "host", "allow_global_sysctls": true, "sysctls": {"net.core.busy_poll": 50}},
              "a": {"kind": "netns", "neighbors": [{"ip": "198.18.0.9", "mac": "02:00:00:00:00:09", "dev": "eth0"}]}},
    "links": [
      {"kind": "veth", "txqueuelen": 10, "offloads": {"gro": false, "tso": true},
       "qdisc": {"kind": "tbf", "rate": "100mbit"},
       "endpoints": [{"at": "a:eth0", "mac": "02:00:00:00:00:0a", "addresses": ["198.18.0.1/24"]},
                     {"at": "h:veth-q", "addresses": ["198.18.0.2/24"]}]},
      {"kind": "phys", "device": "enp1s0", "node": "a", "ifname": "wan0"},
      {"kind": "phys", "device": "enp2s0", "node": "h", "mode": "macvlan", "ifname": "mv0", "macvlan_mode": "vepa"}]})json");
  auto all = lines(p, true);
  for (const char* want :
       {"h: sysctl net.core.busy_poll = 50 (machine-wide, restored at teardown)",
        "move device enp1s0 into a as wan0 (given back at teardown)",
        "h: create macvlan mv0 on enp2s0 mode vepa", "a: set eth0 txqueuelen 10 address 02:00:00:00:00:0a",
        "h: set veth-q txqueuelen 10", "a: offloads eth0 tso on gro off",
        "a: qdisc eth0 root tbf rate 100000000bit burst 32768b latency 50ms", "a: set wan0 up",
        "a: add neighbour 198.18.0.9 lladdr 02:00:00:00:00:09 dev eth0 permanent"})
    EXPECT_THAT(all, ::testing::Contains(want));
  EXPECT_THAT(all, ::testing::Not(::testing::Contains("create namespace  for node h")));
  EXPECT_EQ(all.back(), "a: add neighbour 198.18.0.9 lladdr 02:00:00:00:00:09 dev eth0 permanent");
}

std::set<std::string> keys(const nlohmann::json& j) {
  std::set<std::string> out;
  for (const auto& [k, v] : j.items()) out.insert(k);
  return out;
}

TEST(Plan, JsonHasOneObjectPerActionWithItsFields) {
  Plan p = plan_of(kLab);
  nlohmann::json j = to_json(p);
  EXPECT_EQ(keys(j), (std::set<std::string>{"lab", "actions", "experiments"}));
  EXPECT_EQ(j["lab"], "p");
  ASSERT_EQ(j["actions"].size(), p.actions.size());
  std::map<std::string, std::set<std::string>> by_verb;
  for (const auto& a : j["actions"]) by_verb[a.at("action").get<std::string>()] = keys(a);
  using S = std::set<std::string>;
  EXPECT_EQ(by_verb["create-netns"], (S{"action", "node", "netns"}));
  EXPECT_EQ(by_verb["set-sysctl"], (S{"action", "node", "name", "value", "global"}));
  EXPECT_EQ(by_verb["create-bridge"], (S{"action", "node", "name"}));
  EXPECT_EQ(by_verb["create-veth"], (S{"action", "node", "name", "peer_node", "peer_name"}));
  EXPECT_EQ(by_verb["set-master"], (S{"action", "node", "name", "master"}));
  EXPECT_EQ(by_verb["set-link"], (S{"action", "node", "name", "mtu"}));
  EXPECT_EQ(by_verb["set-qdisc"],
            (S{"action", "node", "name", "kind", "delay_ns", "jitter_ns", "loss_pct", "limit"}));
  EXPECT_EQ(by_verb["bridge-netfilter-off"], (S{"action", "node", "name"}));
  EXPECT_EQ(by_verb["add-address"], (S{"action", "node", "name", "address"}));
  EXPECT_EQ(by_verb["link-up"], (S{"action", "node", "name"}));
  EXPECT_EQ(by_verb["add-route"], (S{"action", "node", "to", "family", "via", "metric"}));
  EXPECT_EQ(by_verb.size(), 11u);
  const auto& first_route = *std::find_if(j["actions"].begin(), j["actions"].end(),
                                          [](const nlohmann::json& a) { return a["action"] == "add-route"; });
  EXPECT_EQ(first_route["to"], "default");
  EXPECT_EQ(first_route["via"], "198.18.0.1");
  EXPECT_EQ(j["experiments"].size(), 1u);
}

TEST(Plan, NodeOfEveryAction) {
  Plan p = plan_of(kLab);
  std::set<std::string> nodes;
  for (const auto& a : p.actions) nodes.insert(node_of(a));
  EXPECT_EQ(nodes, (std::set<std::string>{"r", "a", "s"}));
}

}  // namespace
}  // namespace latlab::topology
