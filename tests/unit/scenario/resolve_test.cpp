// Valid scenarios: every example loads, and the resolved lab has the facts a
// user relies on (automatic addresses, port names, neighbours, sysctls,
// experiment targets and defaults).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "scenario/load.h"
#include "support/example_scenarios.h"


namespace latlab::scenario {
namespace {

using ::testing::ElementsAre;

Lab load_ok(const std::string& text) {
  auto r = load_scenario_text(text, "x.json");
  std::string errors;
  for (const auto& d : r.errors) errors += d.str() + "\n";
  EXPECT_TRUE(r.ok()) << errors << text;
  return r.lab ? *r.lab : Lab{};
}

std::vector<std::string> addrs(const Lab& lab, const std::string& node, const std::string& ifname) {
  std::vector<std::string> out;
  const Interface* f = lab.find_interface(node, ifname);
  if (!f) return {"<no interface " + node + ":" + ifname + ">"};
  for (const auto& a : f->addresses) out.push_back(a.str());
  return out;
}

const Experiment& find_exp(const Lab& lab, const std::string& name) {
  for (const auto& e : lab.experiments)
    if (e.name == name) return e;
  static const Experiment none;
  ADD_FAILURE() << "no experiment " << name;
  return none;
}

TEST(ExampleScenarios, EveryExampleLoadsWithoutErrors) {
  auto files = latlab::test::example_scenario_files(std::string(LATLAB_SOURCE_DIR) + "/scenarios");
  ASSERT_GE(files.size(), 6u);
  for (const auto& f : files) {
    auto r = load_scenario_file(f.string());
    std::string errors;
    for (const auto& d : r.errors) errors += "\n  " + d.str();
    EXPECT_TRUE(r.ok()) << f << errors;
    if (r.ok()) {
      EXPECT_FALSE(r.lab->experiments.empty()) << f;
    }
  }
}

const char* kTwoNodes = R"json({"latlab": 1, "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [{"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}]})json";

TEST(AutoAddresses, VethWithoutAddressesGetsTheFirstSubnetOfBothPools) {
  Lab lab = load_ok(kTwoNodes);
  EXPECT_THAT(addrs(lab, "a", "eth0"), ElementsAre("198.18.0.1/24", "2001:2::1/64"));
  EXPECT_THAT(addrs(lab, "b", "eth0"), ElementsAre("198.18.0.2/24", "2001:2::2/64"));
  EXPECT_TRUE(lab.find_interface("a", "eth0")->auto_addressed);
}

TEST(AutoAddresses, LinksGetConsecutiveSubnets) {
  Lab lab = load_ok(R"json({"latlab": 1, "name": "t",
    "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
    "links": [{"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]},
              {"kind": "veth", "endpoints": ["a:eth1", "b:eth1"]}]})json");
  EXPECT_THAT(addrs(lab, "a", "eth1"), ElementsAre("198.18.1.1/24", "2001:2:0:1::1/64"));
  EXPECT_THAT(addrs(lab, "b", "eth1"), ElementsAre("198.18.1.2/24", "2001:2:0:1::2/64"));
}

TEST(AutoAddresses, ExplicitAddressesElsewhereAreSkippedOver) {
  Lab lab = load_ok(R"json({"latlab": 1, "name": "t",
    "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
    "links": [{"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]},
              {"kind": "veth", "endpoints": [{"at": "a:eth1", "addresses": ["198.18.0.1/24", "2001:2::1/64"]},
                                             {"at": "b:eth1", "addresses": ["198.18.0.2/24", "2001:2::2/64"]}]}]})json");
  EXPECT_THAT(addrs(lab, "a", "eth0"), ElementsAre("198.18.1.1/24", "2001:2:0:1::1/64"));
  EXPECT_THAT(addrs(lab, "b", "eth0"), ElementsAre("198.18.1.2/24", "2001:2:0:1::2/64"));
  EXPECT_THAT(addrs(lab, "a", "eth1"), ElementsAre("198.18.0.1/24", "2001:2::1/64"));
}

TEST(AutoAddresses, AnEndWithAddressesTurnsAutomaticAddressingOffForItsLink) {
  Lab lab = load_ok(R"json({"latlab": 1, "name": "t",
    "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
    "links": [{"kind": "veth", "endpoints": [{"at": "a:eth0", "addresses": ["198.18.5.1/24"]}, "b:eth0"]}]})json");
  EXPECT_THAT(addrs(lab, "a", "eth0"), ElementsAre("198.18.5.1/24"));
  EXPECT_THAT(addrs(lab, "b", "eth0"), ElementsAre());
}

TEST(AutoAddresses, NullPoolTurnsAFamilyOff) {
  Lab lab = load_ok(R"json({"latlab": 1, "name": "t", "allow_any_addresses": true, "pools": {"ipv6": null, "ipv4": "10.20.0.0/16"},
    "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
    "links": [{"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}]})json");
  EXPECT_THAT(addrs(lab, "a", "eth0"), ElementsAre("10.20.0.1/24"));
  EXPECT_THAT(addrs(lab, "b", "eth0"), ElementsAre("10.20.0.2/24"));
}

std::string big_bridge(int members) {
  std::string t = R"json({"latlab": 1, "name": "a-rather-long-lab-name-of-32chrs",
    "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
    "links": [{"kind": "bridge", "node": "a", "name": "br0", "members": [)json";
  for (int i = 0; i < members; ++i) t += (i ? ", \"b:m" : "\"b:m") + std::to_string(i) + "\"";
  t += "]}]}";
  return t;
}

TEST(AutoAddresses, BridgeWith300MembersGetsASlash23AndTheBridgeGetsDotOne) {
  Lab lab = load_ok(big_bridge(300));
  EXPECT_THAT(addrs(lab, "a", "br0"), ElementsAre("198.18.0.1/23", "2001:2::1/64"));
  EXPECT_THAT(addrs(lab, "b", "m0"), ElementsAre("198.18.0.2/23", "2001:2::2/64"));
  EXPECT_THAT(addrs(lab, "b", "m299"), ElementsAre("198.18.1.45/23", "2001:2::12d/64"));
}

TEST(BridgePorts, GeneratedPortNamesAreShortUniqueAndAttached) {
  Lab lab = load_ok(big_bridge(300));
  std::set<std::string> names;
  size_t ports = 0;
  for (const auto& f : lab.interfaces) {
    if (f.role != IfRole::bridge_port) continue;
    ++ports;
    EXPECT_LE(f.name.size(), 15u) << f.name;
    EXPECT_EQ(f.node, "a");
    EXPECT_EQ(f.master, "br0");
    EXPECT_TRUE(f.addresses.empty());
    names.insert(f.name);
    const Interface* member = lab.find_interface("b", f.peer.substr(f.peer.find(':') + 1));
    ASSERT_NE(member, nullptr) << f.peer;
    EXPECT_EQ(member->peer, f.id());
  }
  EXPECT_EQ(ports, 300u);
  EXPECT_EQ(names.size(), 300u);
}

TEST(BridgePorts, ExplicitPortNameIsKept) {
  Lab lab = load_ok(R"json({"latlab": 1, "name": "t",
    "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
    "links": [{"kind": "bridge", "node": "a", "name": "br0", "members": [{"at": "b:eth0", "port": "p-b"}]}]})json");
  const Interface* p = lab.find_interface("a", "p-b");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->role, IfRole::bridge_port);
  EXPECT_EQ(p->peer, "b:eth0");
  EXPECT_EQ(lab.find_interface("b", "eth0")->peer, "a:p-b");
}

TEST(StaticNeighbors, EachEndKnowsThePeersAddressesAndMac) {
  Lab lab = load_ok(R"json({"latlab": 1, "name": "t",
    "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
    "links": [{"kind": "veth", "static_neighbors": true,
               "endpoints": ["a:eth0", {"at": "b:eth0", "mac": "02:00:00:00:00:0b"}]}]})json");
  const Interface* fa = lab.find_interface("a", "eth0");
  ASSERT_TRUE(fa->settings.mac.has_value());
  EXPECT_FALSE(fa->settings.mac->is_multicast());
  EXPECT_EQ(fa->settings.mac->bytes[0] & 0x02, 0x02) << "locally administered";
  const Node* a = lab.find_node("a");
  const Node* b = lab.find_node("b");
  ASSERT_EQ(a->neighbors.size(), 2u);
  EXPECT_EQ(a->neighbors[0].ip.str(), "198.18.0.2");
  EXPECT_EQ(a->neighbors[0].mac.str(), "02:00:00:00:00:0b");
  EXPECT_EQ(a->neighbors[0].dev, "eth0");
  EXPECT_EQ(a->neighbors[1].ip.str(), "2001:2::2");
  ASSERT_EQ(b->neighbors.size(), 2u);
  EXPECT_EQ(b->neighbors[0].ip.str(), "198.18.0.1");
  EXPECT_EQ(b->neighbors[0].mac, *fa->settings.mac);
}

TEST(StaticNeighbors, OffByDefault) {
  Lab lab = load_ok(kTwoNodes);
  EXPECT_TRUE(lab.find_node("a")->neighbors.empty());
  EXPECT_FALSE(lab.find_interface("a", "eth0")->settings.mac.has_value());
}

std::vector<std::string> sysctl_lines(const Node& n) {
  std::vector<std::string> out;
  for (const auto& s : n.sysctls) out.push_back(s.name + "=" + s.value);
  return out;
}

TEST(Sysctls, NetnsNodesGetLabDefaultsAndTheUserOverrides) {
  Lab lab = load_ok(R"json({"latlab": 1, "name": "t",
    "nodes": {"a": {"kind": "netns", "sysctls": {"net.ipv4.conf.all.rp_filter": 2, "net.ipv4.ip_forward": "1"}},
              "h": {"kind": "host"}}})json");
  EXPECT_THAT(sysctl_lines(*lab.find_node("a")),
              ElementsAre("net.ipv4.icmp_ratelimit=0", "net.ipv4.icmp_msgs_per_sec=1000000",
                          "net.ipv6.icmp.ratelimit=0", "net.ipv4.conf.default.rp_filter=0",
                          "net.ipv4.ping_group_range=0 2147483647", "net.ipv6.conf.all.accept_dad=0",
                          "net.ipv6.conf.default.accept_dad=0", "net.ipv4.conf.all.rp_filter=2",
                          "net.ipv4.ip_forward=1"));
  EXPECT_THAT(sysctl_lines(*lab.find_node("h")), ElementsAre());
}

TEST(Sysctls, GlobalSysctlIsAllowedWhenTheNodeSaysSo) {
  Lab lab = load_ok(R"json({"latlab": 1, "name": "t",
    "nodes": {"h": {"kind": "host", "allow_global_sysctls": true, "sysctls": {"net.core.busy_poll": 50}}}})json");
  const Node* h = lab.find_node("h");
  ASSERT_EQ(h->sysctls.size(), 1u);
  EXPECT_TRUE(h->sysctls[0].global);
  EXPECT_EQ(h->sysctls[0].value, "50");
}

TEST(Nodes, NamespacesAreNamedAfterLabAndNode) {
  Lab lab = load_ok(R"json({"latlab": 1, "name": "demo",
    "nodes": {"h": {"kind": "host"}, "a": {"kind": "netns"}}})json");
  EXPECT_EQ(lab.find_node("a")->netns_name, "latlab-demo-a");
  EXPECT_FALSE(lab.find_node("a")->root_namespace);
  EXPECT_EQ(lab.find_node("h")->netns_name, "");
  EXPECT_TRUE(lab.find_node("h")->root_namespace);
}

// Containers on a docker-network get .2, .3 in node order; its bridge, the
// host's side, .1. On docker0 the engine picks the address: the targets wait
// for `up`, and bind_engine_addresses() resolves them.
const char* kDocker = R"json({"latlab": 1, "name": "demo",
  "nodes": {"h": {"kind": "host"},
            "u1": {"kind": "docker", "network": "dn"}, "u2": {"kind": "docker", "network": "dn"},
            "d1": {"kind": "docker"}, "d2": {"kind": "docker", "agent": "setns"}},
  "links": [{"kind": "docker-network", "name": "dn", "subnet": "198.18.9.0/24", "bridge": "lldn0"}],
  "experiments": [
    {"name": "user", "probe": "icmp", "from": "u1", "to": "u2"},
    {"name": "d0", "probe": "udp", "from": "d1", "to": "d2:eth0"},
    {"name": "host", "probe": "icmp", "from": "h", "to": "d1"}]})json";

TEST(Nodes, DockerNetworksAddressTheirMembers) {
  Lab lab = load_ok(kDocker);
  EXPECT_EQ(lab.find_node("u1")->netns_name, "latlab-demo-u1");
  EXPECT_EQ(lab.find_interface("u1", "eth0")->addresses.at(0).str(), "198.18.9.2/24");
  EXPECT_EQ(lab.find_interface("u2", "eth0")->addresses.at(0).str(), "198.18.9.3/24");
  EXPECT_EQ(lab.find_interface("h", "lldn0")->addresses.at(0).str(), "198.18.9.1/24");
  EXPECT_TRUE(lab.find_node("d1")->agent_exec);
  EXPECT_FALSE(lab.find_node("d2")->agent_exec);
  const Experiment& user = lab.experiments[0];
  EXPECT_EQ(user.target.str(), "198.18.9.3");
  EXPECT_EQ(user.egress, "u1:eth0");
  EXPECT_FALSE(user.target_late);
}

TEST(Nodes, Docker0TargetsWaitForTheEngine) {
  Lab lab = load_ok(kDocker);
  EXPECT_TRUE(lab.find_interface("d1", "eth0")->engine_addressed);
  EXPECT_TRUE(lab.find_interface("h", "docker0")->engine_addressed);
  EXPECT_TRUE(lab.experiments[1].target_late);
  EXPECT_EQ(lab.experiments[1].responder.node, "d2");
  EXPECT_TRUE(lab.experiments[2].target_late);
  std::map<std::string, Prefix> got = {{"d1:eth0", *Prefix::parse("172.17.0.2/16")},
                                       {"d2:eth0", *Prefix::parse("172.17.0.3/16")},
                                       {"h:docker0", *Prefix::parse("172.17.0.1/16")}};
  ASSERT_TRUE(bind_engine_addresses(lab, got).ok());
  EXPECT_FALSE(lab.experiments[1].target_late);
  EXPECT_EQ(lab.experiments[1].target.str(), "172.17.0.3");
  EXPECT_EQ(lab.experiments[1].egress, "d1:eth0");
  EXPECT_EQ(lab.experiments[2].target.str(), "172.17.0.2");
  EXPECT_EQ(lab.experiments[2].egress, "h:docker0");
  EXPECT_EQ(lab.experiments[0].target.str(), "198.18.9.3");  // untouched
}

TEST(Nodes, Docker0TargetWithoutAnAddressFromTheEngineIsAnError) {
  Lab lab = load_ok(kDocker);
  auto st = bind_engine_addresses(lab, {});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message().find("has no IPv4 address"), std::string::npos) << st.error().message();
}

// b:eth1 (to c) is declared before b:eth0 (to a): "to": "b" must still pick
// the address on a's subnet.
const char* kTargets = R"json({"latlab": 1, "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}, "c": {"kind": "netns"}},
  "links": [{"kind": "veth", "endpoints": ["b:eth1", "c:eth0"]},
            {"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}],
  "experiments": [
    {"name": "ifname", "probe": "icmp", "from": "a", "to": "b:eth0"},
    {"name": "node", "probe": "icmp", "from": "a", "to": "b"},
    {"name": "localhost", "probe": "icmp", "from": "a", "to": "localhost"},
    {"name": "localhost6", "probe": "icmp", "from": "a", "to": "localhost", "family": 6},
    {"name": "self", "probe": "icmp", "from": "a", "to": "self"},
    {"name": "literal", "probe": "udp", "from": "a:eth0", "to": "2001:2:0:1::2"},
    {"name": "own-literal", "probe": "icmp", "from": "a", "to": "198.18.1.1", "count": 3},
    {"name": "timed", "probe": "icmp", "from": "a", "to": "b:eth0", "duration": "10s", "payload": 1000}
  ]})json";

TEST(Targets, InterfaceTarget) {
  Lab lab = load_ok(kTargets);
  const auto& e = find_exp(lab, "ifname");
  EXPECT_EQ(e.to_kind, TargetKind::interface);
  EXPECT_EQ(e.target.str(), "198.18.1.2");
  EXPECT_EQ(e.to_node, "b");
  EXPECT_EQ(e.to_interface, "eth0");
  EXPECT_EQ(e.path_kind, PathKind::peer);
  EXPECT_EQ(e.egress, "a:eth0");
  EXPECT_EQ(e.responder.kind, "kernel");
  EXPECT_EQ(e.responder.node, "b");
}

TEST(Targets, NodeTargetPrefersAnAddressOnTheSendersSubnet) {
  Lab lab = load_ok(kTargets);
  const auto& e = find_exp(lab, "node");
  EXPECT_EQ(e.to_kind, TargetKind::node);
  EXPECT_EQ(e.target.str(), "198.18.1.2");
  EXPECT_EQ(e.to_interface, "eth0");
  EXPECT_EQ(e.egress, "a:eth0");
  EXPECT_EQ(e.path_kind, PathKind::peer);
}

TEST(Targets, LocalhostIsTheLoopbackOfTheSender) {
  Lab lab = load_ok(kTargets);
  const auto& e4 = find_exp(lab, "localhost");
  EXPECT_EQ(e4.to_kind, TargetKind::localhost);
  EXPECT_EQ(e4.target.str(), "127.0.0.1");
  EXPECT_EQ(e4.egress, "a:lo");
  EXPECT_EQ(e4.path_kind, PathKind::localhost);
  EXPECT_EQ(e4.to_node, "a");
  EXPECT_EQ(find_exp(lab, "localhost6").target.str(), "::1");
}

TEST(Targets, SelfIsTheSendersOwnAddressOverLo) {
  Lab lab = load_ok(kTargets);
  const auto& e = find_exp(lab, "self");
  EXPECT_EQ(e.to_kind, TargetKind::self);
  EXPECT_EQ(e.target.str(), "198.18.1.1");
  EXPECT_EQ(e.egress, "a:lo");
  EXPECT_EQ(e.path_kind, PathKind::self);
}

TEST(Targets, AddressLiteralFindsItsOwnerAndFamily) {
  Lab lab = load_ok(kTargets);
  const auto& e = find_exp(lab, "literal");
  EXPECT_EQ(e.to_kind, TargetKind::address);
  EXPECT_EQ(e.family, 6);
  EXPECT_EQ(e.to_node, "b");
  EXPECT_EQ(e.to_interface, "eth0");
  EXPECT_EQ(e.path_kind, PathKind::peer);
  EXPECT_EQ(e.egress, "a:eth0");
  EXPECT_EQ(e.from_interface, "eth0");
  EXPECT_EQ(e.responder.kind, "udp-reflector");
  EXPECT_EQ(e.responder.port, 7u);
  const auto& own = find_exp(lab, "own-literal");
  EXPECT_EQ(own.path_kind, PathKind::self);
  EXPECT_EQ(own.egress, "a:lo");
}

TEST(Targets, RawResponderAnswersForItsOwnAddressOnTheTargetDevice) {
  Lab lab = load_ok(R"json({"latlab": 1, "name": "t",
    "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
    "links": [{"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}],
    "experiments": [{"name": "raw", "probe": "raw", "from": "a:eth0", "to": "b:eth0",
                     "responder": {"kind": "raw", "address": "198.18.0.20"}, "options": {"qdisc_bypass": true}}]})json");
  const auto& e = lab.experiments.at(0);
  EXPECT_EQ(e.target.str(), "198.18.0.20");
  EXPECT_EQ(e.responder.node, "b");
  EXPECT_EQ(e.responder.interface, "eth0");
  EXPECT_EQ(e.options.qdisc_bypass, true);
}

TEST(ExperimentDefaults, CountPayloadWarmupIntervalTimeout) {
  Lab lab = load_ok(kTargets);
  const auto& e = find_exp(lab, "ifname");
  EXPECT_EQ(e.count, 100u);
  EXPECT_FALSE(e.duration_ns.has_value());
  EXPECT_EQ(e.payload, 56u);
  EXPECT_EQ(e.warmup, 5u);
  EXPECT_EQ(e.interval_ns, 10'000'000u);
  EXPECT_EQ(e.timeout_ns, 1'000'000'000u);
  EXPECT_EQ(e.family, 4);
  EXPECT_TRUE(e.captures.empty());
  EXPECT_EQ(e.wait, "block");
  EXPECT_EQ(e.min_effect, 0.05);
  EXPECT_EQ(e.responder.wait, "block");
  EXPECT_EQ(e.responder.delay_ns, 0u);
}

TEST(ExperimentDefaults, WaitDelayAndMinEffectAsWritten) {
  Lab lab = load_ok(R"json({"latlab": 1, "name": "t", "min_effect": "2.5%",
    "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
    "links": [{"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}],
    "experiments": [
      {"name": "u", "probe": "udp", "from": "a", "to": "b:eth0", "wait": "spin",
       "responder": {"wait": "spin", "delay": "5us"}},
      {"name": "i", "probe": "icmp", "from": "a", "to": "b:eth0", "wait": "busy_poll", "min_effect": "10%"}]})json");
  EXPECT_EQ(lab.min_effect, 0.025);
  const auto& u = find_exp(lab, "u");
  EXPECT_EQ(u.wait, "spin");
  EXPECT_EQ(u.min_effect, 0.025) << "inherited from the scenario";
  EXPECT_EQ(u.responder.kind, "udp-reflector");
  EXPECT_EQ(u.responder.wait, "spin");
  EXPECT_EQ(u.responder.delay_ns, 5'000u);
  const auto& i = find_exp(lab, "i");
  EXPECT_EQ(i.wait, "busy_poll");
  EXPECT_EQ(i.min_effect, 0.1) << "the experiment's own overrides the scenario's";
  EXPECT_FALSE(i.options.busy_poll_us.has_value())
      << "the agent's default busy-poll time is applied in the argv";
}

TEST(ExperimentDefaults, WarmupComesOnTopOfCountAndDuration) {
  Lab lab = load_ok(kTargets);
  const auto& tiny = find_exp(lab, "own-literal");
  EXPECT_EQ(tiny.count, 3u);
  EXPECT_EQ(tiny.warmup, 5u) << "warm-up requests are sent before the 3 measured ones";
  const auto& timed = find_exp(lab, "timed");
  EXPECT_FALSE(timed.count.has_value());
  EXPECT_EQ(timed.duration_ns, 10'000'000'000u);
  EXPECT_EQ(timed.warmup, 5u);
  EXPECT_EQ(timed.payload, 1000u);
}

TEST(LabDefaults, RepeatOrderMinEffectAndPools) {
  Lab lab = load_ok(kTwoNodes);
  EXPECT_EQ(lab.repeat, 10u) << "reports need at least 3 repetitions for a verdict";
  EXPECT_EQ(lab.repeat, kDefaultRepeat);
  EXPECT_EQ(lab.min_effect, 0.05);
  EXPECT_EQ(lab.order, "shuffled");
  EXPECT_FALSE(lab.seed.has_value());
  ASSERT_TRUE(lab.pools.ipv4 && lab.pools.ipv6);
  EXPECT_EQ(lab.pools.ipv4->str(), "198.18.0.0/15");
  EXPECT_EQ(lab.pools.ipv6->str(), "2001:2::/48");
}

TEST(Phys, ExistingDevicesGetNoAutomaticAddresses) {
  Lab lab = load_ok(R"json({"latlab": 1, "name": "t",
    "nodes": {"h": {"kind": "host"}, "a": {"kind": "netns"}},
    "links": [{"kind": "phys", "device": "enp1s0", "node": "a"},
              {"kind": "phys", "device": "enp2s0", "node": "h", "mode": "macvlan", "ifname": "mv0",
               "macvlan_mode": "private", "addresses": ["198.18.50.1/24"]}]})json");
  const Interface* moved = lab.find_interface("a", "enp1s0");
  ASSERT_NE(moved, nullptr);
  EXPECT_EQ(moved->role, IfRole::phys_moved);
  EXPECT_TRUE(moved->addresses.empty());
  const Interface* mv = lab.find_interface("h", "mv0");
  ASSERT_NE(mv, nullptr);
  EXPECT_EQ(mv->role, IfRole::macvlan);
  EXPECT_EQ(mv->parent, "enp2s0");
  EXPECT_EQ(mv->macvlan_mode, "private");
  EXPECT_THAT(addrs(lab, "h", "mv0"), ElementsAre("198.18.50.1/24"));
}

}  // namespace
}  // namespace latlab::scenario
