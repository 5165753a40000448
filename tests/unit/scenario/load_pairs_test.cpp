// "load" and "pairs" in a scenario: what resolves, and the one-line error for
// each bad input (file, line:column, cause).
#include <gtest/gtest.h>

#include <string>

#include "scenario/load.h"

namespace latlab::scenario {
namespace {

// Two nodes on a veth, one experiment whose extra keys are `exp`.
std::string scenario_with(const std::string& exp) {
  return R"({
  "latlab": 1, "name": "t",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}, "c": {"kind": "netns"}},
  "links": [
    {"kind": "veth", "endpoints": [{"at": "a:eth0", "addresses": ["198.18.1.1/24"]},
                                   {"at": "b:eth0", "addresses": ["198.18.1.2/24"]}]},
    {"kind": "veth", "endpoints": [{"at": "c:eth0", "addresses": ["198.18.5.1/24"]},
                                   {"at": "b:eth1", "addresses": ["198.18.5.2/24"]}]}
  ],
  "experiments": [
    {"name": "idle", "probe": "udp", "from": "a", "to": "b", "interval": "1ms"},
    {"name": "e", "probe": "udp", "interval": "1ms", )" +
         exp + R"(}
  ]
})";
}

std::string first_error(const std::string& exp) {
  auto r = load_scenario_text(scenario_with(exp), "x.json");
  return r.errors.empty() ? std::string("no error") : r.errors[0].str();
}

TEST(LoadScenario, ResolvesTargetPortEgressAndTheIdleReference) {
  auto r = load_scenario_text(scenario_with(R"("from": "a", "to": "b", "idle": "idle",
      "load": [{"kind": "tcp", "from": "a", "to": "b", "streams": 4},
               {"kind": "udp", "from": "a", "to": "b:eth0", "bandwidth": "200mbit", "payload": 1400, "cpus": "0"}])"),
                              "x.json");
  ASSERT_TRUE(r.ok()) << r.errors[0].str();
  const Experiment& e = r.lab->experiments.at(1);
  ASSERT_EQ(e.load.size(), 2u);
  EXPECT_EQ(e.load[0].target.str(), "198.18.1.2");
  EXPECT_EQ(e.load[0].egress, "a:eth0");
  EXPECT_EQ(e.load[0].port, 5201u);
  EXPECT_EQ(e.load[0].streams, 4u);
  EXPECT_FALSE(e.load[0].bandwidth_bps);
  EXPECT_EQ(e.load[1].port, 5202u);
  EXPECT_EQ(*e.load[1].bandwidth_bps, 200'000'000u);
  EXPECT_EQ(e.load[1].cpus, std::vector<int>{0});
  EXPECT_EQ(e.idle, "idle");
}

TEST(LoadScenario, PairsRepeatTheExperimentOrListTheirOwnEnds) {
  auto n = load_scenario_text(scenario_with(R"("from": "a", "to": "b", "pairs": 3)"), "x.json");
  ASSERT_TRUE(n.ok()) << n.errors[0].str();
  ASSERT_EQ(n.lab->experiments[1].pairs.size(), 3u);
  EXPECT_EQ(n.lab->experiments[1].pairs[2].target.str(), "198.18.1.2");
  auto l = load_scenario_text(scenario_with(R"("pairs": [{"from": "a", "to": "b"}, {"from": "c", "to": "b"}])"),
                              "x.json");
  ASSERT_TRUE(l.ok()) << l.errors[0].str();
  const Experiment& e = l.lab->experiments[1];
  ASSERT_EQ(e.pairs.size(), 2u);
  EXPECT_EQ(e.from_node, "a");
  EXPECT_EQ(e.pairs[0].target.str(), "198.18.1.2");
  EXPECT_EQ(e.pairs[1].from_node, "c");
  EXPECT_EQ(e.pairs[1].target.str(), "198.18.5.2") << "the address on the subnet the sender shares";
  EXPECT_EQ(e.pairs[1].responder_node, "b");
}

struct Bad {
  const char* exp;
  const char* error;
};

TEST(LoadScenario, BadInputIsOneLineNamingThePlace) {
  const Bad cases[] = {
      {R"("from": "a", "to": "b", "load": [{"kind": "tcp", "from": "a", "to": "192.0.2.1"}])",
       "x.json:12:122: error: /experiments/1/load/0/to: load target \"192.0.2.1\" is not a node of this lab (a load goes only to the lab's own nodes: \"b\" or \"b:eth0\")"},
      {R"("from": "a", "to": "b", "load": [{"kind": "tcp", "from": "a", "to": "a"}])",
       "x.json:12:122: error: /experiments/1/load/0/to: a load from node \"a\" to itself crosses no link; send it to another node"},
      {R"("from": "a", "to": "b", "load": [{"kind": "tcp", "from": "a", "to": "localhost"}])",
       "x.json:12:122: error: /experiments/1/load/0/to: a load goes over the lab to another node: name it (\"b\" or \"b:eth0\"), not \"localhost\""},
      {R"("from": "a", "to": "b", "load": [{"kind": "tcp", "from": "a", "to": "b", "streams": 129}])",
       "x.json:12:138: error: /experiments/1/load/0/streams: 129 is out of range (1 to 128)"},
      {R"("from": "a", "to": "b", "load": [{"kind": "tcp", "from": "a", "to": "b", "bandwidth": "500gbit"}])",
       "x.json:12:140: error: /experiments/1/load/0/bandwidth: bandwidth \"500gbit\" is out of range: 1kbit to 400gbit, or \"0\" for as fast as it goes"},
      {R"("from": "a", "to": "b", "load": [{"kind": "udp", "from": "a", "to": "b"}])",
       "x.json:12:87: error: /experiments/1/load/0: a udp load needs \"bandwidth\" (iperf3 would send only 1 Mbit/s): a rate such as \"500mbit\", or \"0\" for as fast as the sender can write"},
      {R"("from": "a", "to": "b", "load": [{"kind": "icmp", "from": "a", "to": "b"}])",
       "x.json:12:96: error: /experiments/1/load/0/kind: load kind \"icmp\" is not supported; supported load kinds are tcp, udp"},
      {R"("from": "a", "to": "b", "pairs": 300)",
       "x.json:12:87: error: /experiments/1/pairs: \"pairs\" must be an integer from 1 to 256"},
      {R"("from": "a", "to": "b", "pairs": [{"from": "a", "to": "b"}])",
       "x.json:12:62: error: /experiments/1/from: give \"from\" or a list of \"pairs\", not both (the first pair is the experiment's own)"},
      {R"("from": "a", "to": "b", "pairs": 2, "captures": ["tcpdump"])",
       "x.json:12:103: error: /experiments/1/captures/0: capture \"tcpdump\" follows one probe; with \"pairs\" above 1 only counters apply (run the capture in an experiment of its own)"},
      {R"("from": "a", "to": "b", "idle": "nope", "load": [{"kind": "tcp", "from": "a", "to": "b"}])",
       "x.json:12:86: error: /experiments/1/idle: idle reference \"nope\" is not an experiment of this scenario"},
      {R"("from": "a", "to": "b", "load": [{"kind": "udp", "from": "a", "to": "b", "bandwidth": "1mbit", "congestion": "cubic"}])",
       "x.json:12:163: error: /experiments/1/load/0/congestion: \"congestion\" applies to a tcp load; a udp load has no congestion control"},
      {R"("from": "a", "to": "b", "load": [{"kind": "tcp", "from": "a", "to": "b", "congestion": "Cubic!"}])",
       "x.json:12:141: error: /experiments/1/load/0/congestion: \"Cubic!\" is not a TCP congestion control name (e.g. \"cubic\", \"bbr\", \"reno\")"},
  };
  for (const auto& c : cases) EXPECT_EQ(first_error(c.exp), c.error) << c.exp;
}

}  // namespace
}  // namespace latlab::scenario
