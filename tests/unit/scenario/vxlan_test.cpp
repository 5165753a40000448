// The vxlan link kind: how a tunnel resolves over its underlay (addresses,
// VNI, port, MTU headroom), the actions that build it, and the one-line error
// for each bad input.
#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "scenario/load.h"
#include "topology/plan.h"

namespace latlab::scenario {
namespace {

// Two nodes joined by a veth underlay and a vxlan over it; `vxlan` is the
// vxlan link's object, `under` the underlay veth's extra keys.
std::string lab_with(const std::string& vxlan, const std::string& under = "") {
  return R"({
  "latlab": 1, "name": "vx",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    )" + vxlan + R"(,
    {"kind": "veth", )" + under + R"("endpoints": [{"at": "a:eth0", "addresses": ["198.18.1.1/24"]},
                                   {"at": "b:eth0", "addresses": ["198.18.1.2/24"]}]}
  ],
  "experiments": [{"name": "over", "probe": "icmp", "from": "a", "to": "b:vx0", "count": 10, "interval": "1ms"}]
})";
}

const std::string kTunnel =
    R"({"kind": "vxlan", "endpoints": [{"at": "a:vx0", "underlay": "eth0"}, {"at": "b:vx0", "underlay": "eth0"}]})";

std::string first_error(const std::string& text) {
  auto r = load_scenario_text(text, "x.json");
  return r.errors.empty() ? std::string("no error") : r.errors[0].str();
}

TEST(Vxlan, ResolvesEachEndOverItsUnderlayWithRoomForTheHeader) {
  auto r = load_scenario_text(lab_with(kTunnel), "x.json");
  ASSERT_TRUE(r.ok()) << r.errors[0].str();
  const Interface* a = r.lab->find_interface("a", "vx0");
  const Interface* b = r.lab->find_interface("b", "vx0");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->vxlan_local->str(), "198.18.1.1");
  EXPECT_EQ(a->vxlan_remote->str(), "198.18.1.2");
  EXPECT_EQ(b->vxlan_local->str(), "198.18.1.2");
  EXPECT_EQ(b->vxlan_remote->str(), "198.18.1.1");
  EXPECT_EQ(*a->settings.mtu, 1450u) << "1500 less outer IPv4, UDP, VXLAN and inner Ethernet";
  const Link& link = r.lab->links[0];
  EXPECT_EQ(link.port, 4789u);
  EXPECT_GE(link.vni, 4096u);
  EXPECT_LE(link.vni, (1u << 24) - 1);
  // The tunnel has its own subnet, like any link.
  ASSERT_FALSE(a->addresses.empty());
  EXPECT_EQ(r.lab->experiments[0].target.str(), b->addresses[0].addr.str());

  // The same lab gets the same VNI every time; another link index another one.
  auto again = load_scenario_text(lab_with(kTunnel), "x.json");
  EXPECT_EQ(again.lab->links[0].vni, link.vni);
}

TEST(Vxlan, VniPortAndMtuFromTheScenario) {
  auto r = load_scenario_text(
      lab_with(R"({"kind": "vxlan", "vni": 42, "port": 8472, "mtu": 8000,
                   "endpoints": [{"at": "a:vx0", "underlay": "eth0"}, {"at": "b:vx0", "underlay": "eth0"}]})",
               R"("mtu": 9000, )"),
      "x.json");
  ASSERT_TRUE(r.ok()) << r.errors[0].str();
  EXPECT_EQ(r.lab->links[0].vni, 42u);
  EXPECT_EQ(r.lab->links[0].port, 8472u);
  EXPECT_EQ(*r.lab->find_interface("a", "vx0")->settings.mtu, 8000u);
}

TEST(Vxlan, PlanCreatesBothEndsInTheirNodes) {
  auto r = load_scenario_text(lab_with(kTunnel), "x.json");
  ASSERT_TRUE(r.ok()) << r.errors[0].str();
  auto plan = topology::make_plan(*r.lab);
  std::vector<std::string> made;
  for (const auto& act : plan.actions)
    if (std::holds_alternative<topology::CreateVxlan>(act)) made.push_back(topology::describe(act));
  const std::string vni = std::to_string(r.lab->links[0].vni);
  ASSERT_EQ(made.size(), 2u);
  EXPECT_EQ(made[0], "a: create vxlan vx0 vni " + vni + " 198.18.1.1 -> 198.18.1.2 udp port 4789 over eth0");
  EXPECT_EQ(made[1], "b: create vxlan vx0 vni " + vni + " 198.18.1.2 -> 198.18.1.1 udp port 4789 over eth0");
  bool mtu_set = false;
  for (const auto& act : plan.actions)
    if (topology::describe(act) == "a: set vx0 mtu 1450") mtu_set = true;
  EXPECT_TRUE(mtu_set);
}

TEST(Vxlan, BadInputIsOneLineNamingThePlace) {
  struct Case {
    std::string text, error;
  };
  const Case cases[] = {
      {lab_with(R"({"kind": "vxlan", "endpoints": [{"at": "a:vx0"}, {"at": "b:vx0", "underlay": "eth0"}]})"),
       "x.json:5:37: error: /links/0/endpoints/0: missing required key \"underlay\": the interface of node \"a\" the tunnel runs over"},
      {lab_with(R"({"kind": "vxlan", "endpoints": ["a:vx0", "b:vx0"]})"),
       "x.json:5:37: error: /links/0/endpoints/0: expected an endpoint object {\"at\": \"node:ifname\", \"underlay\": \"ifname\"}, found string"},
      {lab_with(R"({"kind": "vxlan", "endpoints": [{"at": "a:vx0", "underlay": "eth9"}, {"at": "b:vx0", "underlay": "eth0"}]})"),
       "x.json:5:65: error: /links/0/endpoints/0/underlay: underlay \"eth9\" is not an interface this lab gives node \"a\"; name one, or give this end's underlay address with \"local\""},
      {lab_with(R"({"kind": "vxlan", "endpoints": [{"at": "a:vx0", "underlay": "eth0"}, {"at": "a:vx1", "underlay": "eth0"}]})"),
       "x.json:5:74: error: /links/0/endpoints/1: both ends of a vxlan link are in node \"a\"; a tunnel joins two nodes"},
      {lab_with(R"({"kind": "vxlan", "vni": 0, "endpoints": [{"at": "a:vx0", "underlay": "eth0"}, {"at": "b:vx0", "underlay": "eth0"}]})"),
       "x.json:5:30: error: /links/0/vni: 0 is out of range (1 to 16777215)"},
      {lab_with(R"({"kind": "vxlan", "mtu": 1500, "endpoints": [{"at": "a:vx0", "underlay": "eth0"}, {"at": "b:vx0", "underlay": "eth0"}]})"),
       "x.json:5:30: error: /links/0/mtu: mtu 1500 does not fit in underlay \"eth0\" (mtu 1500) with VXLAN's 50 bytes over IPv4: at most 1450"},
      {lab_with(R"({"kind": "vxlan", "endpoints": [{"at": "a:vx0", "underlay": "vx0"}, {"at": "b:vx0", "underlay": "eth0"}]})"),
       "x.json:5:65: error: /links/0/endpoints/0/underlay: a vxlan device cannot run over itself"},
  };
  for (const auto& c : cases) EXPECT_EQ(first_error(c.text), c.error) << c.text;
}

TEST(Vxlan, TheFarUnderlayMustBeReachable) {
  // The underlay addresses on two different subnets and no route between them.
  std::string text = R"({
  "latlab": 1, "name": "vx",
  "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [
    {"kind": "vxlan", "endpoints": [{"at": "a:vx0", "underlay": "eth0"}, {"at": "b:vx0", "underlay": "eth0"}]},
    {"kind": "veth", "endpoints": [{"at": "a:eth0", "addresses": ["198.18.1.1/24"]},
                                   {"at": "b:eth0", "addresses": ["198.18.2.2/24"]}]}
  ]
})";
  EXPECT_EQ(first_error(text),
            "x.json:5:65: error: /links/0/endpoints/0/underlay: the tunnel's far end 198.18.2.2 (b:eth0) is not "
            "reachable from node \"a\": no interface of \"a\" is on its subnet and no route covers it");
}

}  // namespace
}  // namespace latlab::scenario
