// What keeps a scenario from hurting the machine it runs on: a phys link
// that would move an uplink (the default route's device, or the one the SSH
// session came in on) needs "allow_uplink"; the lab's own addresses keep to
// the benchmarking ranges unless "allow_any_addresses"; names keep to the
// portable set.
#include <gtest/gtest.h>

#include <cstdlib>

#include "scenario/load.h"
#include "scenario/uplinks.h"

namespace latlab::scenario {
namespace {

std::string first_error(const std::string& text) {
  auto r = load_scenario_text(text, "x.json");
  return r.errors.empty() ? std::string("no error") : r.errors[0].str();
}

// $LATLAB_UPLINKS for one test.
struct Uplinks_ {
  explicit Uplinks_(const char* v) { ::setenv("LATLAB_UPLINKS", v, 1); }
  ~Uplinks_() { ::setenv("LATLAB_UPLINKS", "", 1); }
};

constexpr const char* kMove = R"({"latlab": 1, "name": "t", "nodes": {"a": {"kind": "netns"}},
  "links": [{"kind": "phys", "device": "eth0", "node": "a"EXTRA}]})";

std::string move_with(const std::string& extra) {
  std::string s = kMove;
  s.replace(s.find("EXTRA"), 5, extra);
  return s;
}

TEST(Safety, MovingAnUplinkNeedsAllowUplink) {
  Uplinks_ up("eth0,wlan0");
  EXPECT_EQ(first_error(move_with("")),
            "x.json:2:40: error: /links/0/device: device \"eth0\" is an uplink of this machine (LATLAB_UPLINKS); "
            "moving it into node \"a\" cuts the machine off that network until teardown: set \"allow_uplink\": "
            "true on this link to do it anyway");
  EXPECT_EQ(first_error(move_with(", \"allow_uplink\": true")), "no error");
  EXPECT_EQ(first_error(move_with(", \"mode\": \"macvlan\", \"ifname\": \"mv0\"")), "no error")
      << "a macvlan leaves its parent where it is";
  EXPECT_EQ(first_error(move_with(", \"mode\": \"macvlan\", \"ifname\": \"mv0\", \"allow_uplink\": true")),
            "x.json:2:113: error: /links/0/allow_uplink: \"allow_uplink\" applies to mode move (a macvlan leaves "
            "its parent where it is)");
}

TEST(Safety, AnotherHostsUplinksAreThatHostsToCheck) {
  Uplinks_ up("eth0");
  const std::string text = R"({"latlab": 1, "name": "t", "hosts": {"h1": {"address": "198.18.200.2"}},
  "nodes": {"a": {"kind": "netns", "host": "h1"}}, "links": [{"kind": "phys", "device": "eth0", "node": "a"}]})";
  EXPECT_TRUE(load_scenario_text(text, "x.json").ok()) << "this machine's eth0 is not h1's";
  auto as_h1 = load_scenario_text(text, "x.json", {}, "h1");
  ASSERT_FALSE(as_h1.ok());
  EXPECT_NE(as_h1.errors[0].message.find("device \"eth0\" is an uplink"), std::string::npos);
}

TEST(Safety, TheDefaultRouteIsFoundWithoutTheOverride) {
  ::unsetenv("LATLAB_UPLINKS");
  const Uplinks found = uplink_devices();  // this machine's own: whatever it is, never "lo"
  EXPECT_EQ(found.count("lo"), 0u);
  for (const auto& [dev, why] : found) EXPECT_NE(why.find("this machine"), std::string::npos) << dev << ": " << why;
  ::setenv("LATLAB_UPLINKS", "", 1);
  EXPECT_TRUE(uplink_devices().empty());
}

TEST(Safety, TheLabsAddressesKeepToTheBenchmarkingRanges) {
  const std::string veth = R"({"latlab": 1, "name": "t", ANY"nodes": {"a": {"kind": "netns"}, "h": {"kind": "host"}},
  "links": [{"kind": "veth", "endpoints": [{"at": "a:eth0", "addresses": ["ADDR"]}, "h:vh0"]}]})";
  auto with = [&](const std::string& addr, const std::string& any) {
    std::string s = veth;
    s.replace(s.find("ADDR"), 4, addr);
    s.replace(s.find("ANY"), 3, any);
    return s;
  };
  EXPECT_EQ(first_error(with("10.1.0.1/24", "")),
            "x.json:2:74: error: /links/0/endpoints/0/addresses: \"10.1.0.1/24\" is outside the benchmarking ranges "
            "198.18.0.0/15 and 2001:2::/48, which a lab keeps to so that it never shadows a network of the "
            "machine; set \"allow_any_addresses\": true at the top level to use it");
  EXPECT_NE(first_error(with("2001:db8::1/64", "")).find("\"2001:db8::1/64\" is outside"), std::string::npos);
  EXPECT_EQ(first_error(with("198.19.255.1/24", "")), "no error");
  EXPECT_EQ(first_error(with("10.1.0.1/24", "\"allow_any_addresses\": true, ")), "no error");
  EXPECT_EQ(first_error(R"({"latlab": 1, "name": "t", "pools": {"ipv4": "10.0.0.0/16"}, "nodes": {"a": {"kind": "netns"}}})"),
            "x.json:1:46: error: /pools/ipv4: \"10.0.0.0/16\" is outside the benchmarking ranges 198.18.0.0/15 and "
            "2001:2::/48, which a lab keeps to so that it never shadows a network of the machine; set "
            "\"allow_any_addresses\": true at the top level to use it");
}

TEST(Safety, InterfaceNamesKeepToThePortableSet) {
  for (const char* bad : {"e$(id)", "e`id`", "e'x", "e\\\"x", "e;x", "e@x", "e*", "e\xd0\xb0"}) {
    std::string text = R"({"latlab": 1, "name": "t", "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
  "links": [{"kind": "veth", "endpoints": ["a:NAME", "b:eth0"]}]})";
    text.replace(text.find("NAME"), 4, bad);
    const std::string e = first_error(text);
    EXPECT_NE(e.find("x.json:2:44: error: /links/0/endpoints/0: interface name "), std::string::npos) << bad << ": " << e;
    EXPECT_NE(e.find("; interface names are letters, digits, '_', '.' and '-'"), std::string::npos) << bad << ": " << e;
  }
}

}  // namespace
}  // namespace latlab::scenario
