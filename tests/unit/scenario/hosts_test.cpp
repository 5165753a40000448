// "hosts" and a node's "host": a lab across machines, what resolves, and the
// one-line error for each bad input.
#include <gtest/gtest.h>

#include <string>

#include "scenario/load.h"
#include "topology/plan.h"

namespace latlab::scenario {
namespace {

// Two hosts, a host node and a netns node on each, a veth on h1 and a vxlan
// between the host nodes; `hosts` and `extra` replace the marked places.
std::string lab_with(const std::string& hosts, const std::string& extra_link = "") {
  return R"({
  "latlab": 1, "name": "mh",
  "hosts": )" + hosts + R"(,
  "nodes": {"ha": {"kind": "host", "host": "h1"}, "hb": {"kind": "host", "host": "h2"},
            "a": {"kind": "netns", "host": "h1"}, "c": {"kind": "netns"}},
  "links": [
    {"kind": "vxlan", "endpoints": [{"at": "ha:lvx0", "underlay": "eth0", "local": "198.18.200.2"},
                                    {"at": "hb:lvx0", "underlay": "eth0", "local": "198.18.200.3"}]},
    {"kind": "veth", "endpoints": ["a:eth0", "ha:lva0"]})" + extra_link + R"(
  ]
})";
}

const std::string kHosts = R"({"h1": {"address": "198.18.200.2", "user": "root", "identity": "/tmp/k"},
            "h2": {"address": "198.18.200.3", "port": 2222, "jump": "gw@198.18.200.1"}})";

std::string first_error(const std::string& text) {
  auto r = load_scenario_text(text, "x.json");
  return r.errors.empty() ? std::string("no error") : r.errors[0].str();
}

TEST(Hosts, EachNodeLivesOnItsHostAndOneHostNodeAHost) {
  auto r = load_scenario_text(lab_with(kHosts), "x.json");
  ASSERT_TRUE(r.ok()) << r.errors[0].str();
  const Lab& lab = *r.lab;
  ASSERT_EQ(lab.hosts.size(), 2u);
  const Host* h1 = lab.find_host("h1");
  const Host* h2 = lab.find_host("h2");
  ASSERT_TRUE(h1 && h2);
  EXPECT_EQ(h1->address, "198.18.200.2");
  EXPECT_EQ(h1->user, "root");
  EXPECT_EQ(h1->port, 22);
  EXPECT_EQ(h1->identity, "/tmp/k");
  EXPECT_EQ(h2->port, 2222);
  EXPECT_EQ(h2->jump, "gw@198.18.200.1");
  EXPECT_EQ(lab.host_of("ha"), "h1");
  EXPECT_EQ(lab.host_of("hb"), "h2");
  EXPECT_EQ(lab.host_of("a"), "h1");
  EXPECT_EQ(lab.host_of("c"), "local") << "a node without \"host\" is on this machine";
  // The tunnel's ends send from the addresses given, to each other.
  EXPECT_EQ(lab.find_interface("ha", "lvx0")->vxlan_remote->str(), "198.18.200.3");
  EXPECT_EQ(lab.find_interface("hb", "lvx0")->vxlan_remote->str(), "198.18.200.2");
}

TEST(Hosts, EachHostsPartOfThePlanHasItsNodesAlone) {
  auto r = load_scenario_text(lab_with(kHosts), "x.json");
  ASSERT_TRUE(r.ok()) << r.errors[0].str();
  EXPECT_EQ(hosts_in_use(*r.lab), (std::vector<std::string>{"local", "h1", "h2"}));
  for (const std::string host : {"local", "h1", "h2"}) {
    auto plan = topology::make_plan(*r.lab, host);
    ASSERT_FALSE(plan.actions.empty()) << host;
    for (const auto& a : plan.actions) EXPECT_EQ(r.lab->host_of(topology::node_of(a)), host) << topology::describe(a);
  }
  EXPECT_EQ(topology::describe(topology::make_plan(*r.lab).actions.front()), "create namespace latlab-mh-c for node c")
      << "this machine's part by default";
  // h2 holds its end of the tunnel, sending to h1's underlay address.
  auto h2 = topology::make_plan(*r.lab, "h2");
  EXPECT_EQ(topology::describe(h2.actions.front()),
            "hb: create vxlan lvx0 vni " + std::to_string(r.lab->links[0].vni) +
                " 198.18.200.3 -> 198.18.200.2 udp port 4789 over eth0");
}

TEST(Hosts, BadInputIsOneLineNamingThePlace) {
  struct Case {
    std::string text, error;
  };
  const Case cases[] = {
      {lab_with(R"({"local": {"address": "198.18.200.2"}, "h1": {"address": "x"}, "h2": {"address": "y"}})"),
       "x.json:3:13: error: /hosts/local: host name \"local\" is reserved: it is this machine, the controller's"},
      {lab_with(R"({"h1": {"user": "root"}, "h2": {"address": "y"}})"),
       "x.json:3:19: error: /hosts/h1: missing required key \"address\""},
      {lab_with(R"({"h1": {"address": "-oProxyCommand=x"}, "h2": {"address": "y"}})"),
       "x.json:3:31: error: /hosts/h1/address: \"-oProxyCommand=x\" is not an address or a host name ssh takes as it is (no spaces, quotes, '%' or leading '-')"},
      {lab_with(R"({"h1": {"address": "x", "port": 0}, "h2": {"address": "y"}})"),
       "x.json:3:44: error: /hosts/h1/port: 0 is out of range (1 to 65535)"},
      {lab_with(R"({"h1": {"address": "x"}})"),
       "x.json:4:82: error: /nodes/hb/host: host \"h2\" is not declared (declared: local, h1)"},
      {lab_with(kHosts, R"(,
    {"kind": "veth", "endpoints": ["a:eth1", "c:eth0"]})"),
       "x.json:11:46: error: /links/2/endpoints/1: a veth link cannot join nodes on different hosts (\"a\" on \"h1\", \"c\" on \"local\"); join hosts with a vxlan link"},
  };
  for (const auto& c : cases) EXPECT_EQ(first_error(c.text), c.error) << c.text;
}

TEST(Hosts, OneHostNodeAHost) {
  std::string text = R"({"latlab": 1, "name": "mh", "hosts": {"h1": {"address": "x"}},
  "nodes": {"ha": {"kind": "host", "host": "h1"}, "hb": {"kind": "host", "host": "h1"}, "l": {"kind": "host"}}})";
  EXPECT_EQ(first_error(text),
            "x.json:2:51: error: /nodes/hb: only one node of a host can be of kind host (node \"ha\" already is: "
            "both would be host \"h1\"'s root namespace)");
}

}  // namespace
}  // namespace latlab::scenario
