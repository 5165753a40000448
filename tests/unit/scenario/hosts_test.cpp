// "hosts" and a node's "host": a lab across machines, what resolves, and the
// one-line error for each bad input.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
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

// What runs on another host in this version: its nodes and an experiment's
// agents; captures, loads, an experiment's sysctls, concurrent probes and
// docker nodes stay on this machine, each refused where it is written.
TEST(Hosts, WhatStaysOnThisMachineIsRefusedForOtherHosts) {
  auto with_experiment = [](const std::string& exp) {
    std::string t = lab_with(kHosts);
    return t.substr(0, t.size() - 2) + ",\n  \"experiments\": [" + exp + "]\n}";
  };
  EXPECT_EQ(first_error(with_experiment(
                R"({"name": "e", "probe": "icmp", "from": "ha", "to": "hb:lvx0", "captures": [{"kind": "counters"}]})")),
            "x.json:12:93: error: /experiments/0/captures: captures run only in an experiment between nodes of this "
            "machine in this version (node \"hb\" is on \"h2\")");
  EXPECT_EQ(first_error(with_experiment(
                R"({"name": "e", "probe": "udp", "from": "ha", "to": "hb:lvx0", "load": [{"kind": "tcp", "from": "ha", "to": "hb:lvx0"}]})")),
            "x.json:12:88: error: /experiments/0/load: background load runs only between nodes of this machine in "
            "this version (node \"hb\" is on \"h2\")");
  EXPECT_EQ(first_error(with_experiment(R"({"name": "e", "probe": "icmp", "from": "ha", "to": "hb:lvx0"})")),
            "no error");
  std::string docker = lab_with(kHosts);
  docker.replace(docker.find(R"("c": {"kind": "netns"})"), 22,
                 R"("c": {"kind": "docker", "image": "latlab-agent", "host": "h2"})");
  auto r = load_scenario_text(docker, "x.json");
  std::string all;
  for (const auto& e : r.errors) all += e.str() + "\n";
  EXPECT_NE(all.find("error: /nodes/c: a docker node lives on host \"local\" in this version (node \"c\" is on \"h2\")"),
            std::string::npos)
      << all;
}

// An inventory file (`--hosts`) replaces the scenario's host of the same name
// and adds the others; its errors name the inventory file.
TEST(Hosts, AnInventoryReplacesAndAddsHosts) {
  const auto path = std::filesystem::temp_directory_path() / ("latlab-inventory-" + std::to_string(getpid()) + ".json");
  std::ofstream(path) << R"({"hosts": {"h2": {"address": "198.18.200.9", "user": "lab"}, "h3": {"address": "x"}}})";
  auto inv = load_inventory_file(path.string());
  ASSERT_TRUE(inv.ok()) << inv.errors[0].str();
  auto r = load_scenario_text(lab_with(kHosts), "x.json", inv.hosts);
  ASSERT_TRUE(r.ok()) << r.errors[0].str();
  EXPECT_EQ(r.lab->find_host("h1")->address, "198.18.200.2") << "kept from the scenario";
  EXPECT_EQ(r.lab->find_host("h2")->address, "198.18.200.9");
  EXPECT_EQ(r.lab->find_host("h2")->port, 22) << "replaced whole, not merged key by key";
  EXPECT_EQ(r.lab->find_host("h2")->user, "lab");
  ASSERT_NE(r.lab->find_host("h3"), nullptr);
  // An inventory alone can declare a scenario's hosts.
  auto bare = load_scenario_text(lab_with("{}"), "x.json", load_inventory_file(path.string()).hosts);
  EXPECT_EQ(bare.errors.empty() ? "" : bare.errors[0].str(),
            "x.json:4:44: error: /nodes/ha/host: host \"h1\" is not declared (declared: local, h2, h3)");

  std::ofstream(path) << R"({"hosts": {"h1": {"address": "x", "port": "22"}}, "extra": 1})";
  auto bad = load_inventory_file(path.string());
  ASSERT_EQ(bad.errors.size(), 2u);
  EXPECT_EQ(bad.errors[0].str(), path.string() + R"(:1:43: error: /hosts/h1/port: expected an integer, found string)");
  EXPECT_EQ(bad.errors[1].str(),
            path.string() + R"(:1:51: error: /extra: unknown key "extra" in inventory (allowed: $schema, hosts))");
  std::filesystem::remove(path);
  EXPECT_EQ(load_inventory_file(path.string()).errors.at(0).str(),
            path.string() + ": error: cannot read: No such file or directory");
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
